"""The evaluation layer: what a score is and how it is computed.

* :mod:`~jaxclimb.evaluation.objectives`: ``make_score_fn`` and ``ScoreFn`` (a forward
  pass, data and a metric; what the engine may ask of it:
  :func:`~jaxclimb.evaluation.objectives.reporting`);
  :mod:`~jaxclimb.evaluation._targets`: targets and output kinds checked on the host.
* :mod:`~jaxclimb.evaluation.metrics`: metrics as ``(y, output) -> scalar`` and the table
  of them by name; :mod:`~jaxclimb.evaluation.terms`: a metric as sums over rows.
* :mod:`~jaxclimb.evaluation.paths`: which code evaluates an objective (XLA, the fused
  Pallas :mod:`~jaxclimb.evaluation.kernel`, CPU row tiles), and
  :mod:`~jaxclimb.evaluation.incremental`: unit moves scored from cached activations;
  :mod:`~jaxclimb.evaluation.logits`: scores of output pre-activations held units first.
* :mod:`~jaxclimb.evaluation.sampling`: keyed objectives and minibatch rows;
  :mod:`~jaxclimb.evaluation.rollout`: control tasks as keyed objectives;
  :mod:`~jaxclimb.evaluation.traits`: what an objective declares to the search planner.
* :mod:`~jaxclimb.evaluation.batching`: many candidates of one objective at once;
  :mod:`~jaxclimb.evaluation.lowrank`: low-rank members of the built-in MLP scored without
  forming their weights; :mod:`~jaxclimb.evaluation.nodes`: its rows scored with perturbed
  units (node perturbation).
"""

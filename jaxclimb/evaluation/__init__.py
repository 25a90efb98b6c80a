"""The evaluation layer: objectives (:mod:`~jaxclimb.evaluation.objectives`), metrics and
output kinds (:mod:`~jaxclimb.evaluation.metrics`), targets, row sampling for minibatch and
keyed objectives (:mod:`~jaxclimb.evaluation.sampling`) and batches of candidates
(:mod:`~jaxclimb.evaluation.batching`)."""

"""The names of ``jaxclimb/__init__.py``'s tables, for type checkers and IDEs (it loads them
lazily); ``tests/test_structure.py`` checks this file against the tables."""

from . import algorithms as algorithms
from . import datasets as datasets
from . import engine as engine
from . import mlrose as mlrose
from ._version import __version__ as __version__
from .algorithms import REGISTRY as REGISTRY
from .algorithms import Algorithm as Algorithm
from .algorithms import ArithDecay as ArithDecay
from .algorithms import ClimberState as ClimberState
from .algorithms import ExpDecay as ExpDecay
from .algorithms import GeomDecay as GeomDecay
from .algorithms import SearchState as SearchState
from .algorithms import StepInfo as StepInfo
from .algorithms import Traits as Traits
from .algorithms import evolution_strategy as evolution_strategy
from .algorithms import genetic as genetic
from .algorithms import gradient_descent as gradient_descent
from .algorithms import hill_climb as hill_climb
from .algorithms import node_perturbation as node_perturbation
from .algorithms import simulated_annealing as simulated_annealing
from .algorithms import snes as snes
from .algorithms import tree_select as tree_select
from .algorithms import with_restarts as with_restarts
from .comparison import Comparison as Comparison
from .comparison import compare as compare
from .comparison import compare_results as compare_results
from .datasets import tasks as tasks
from .engine import distributed as distributed
from .engine import population_mesh as population_mesh
from .engine import resume as resume
from .engine import run as run
from .engine import use_cpu_cores as use_cpu_cores
from .estimators import ClimbingClassifier as ClimbingClassifier
from .estimators import ClimbingRegressor as ClimbingRegressor
from .evaluation.metrics import METRICS as METRICS
from .evaluation.metrics import accuracy as accuracy
from .evaluation.metrics import log_loss as log_loss
from .evaluation.metrics import mse as mse
from .evaluation.metrics import r2 as r2
from .evaluation.objectives import ScoreFn as ScoreFn
from .evaluation.objectives import make_score_fn as make_score_fn
from .evaluation.rollout import CartPole as CartPole
from .evaluation.rollout import rollout_objective as rollout_objective
from .evaluation.sampling import KeyedObjective as KeyedObjective
from .mutation import gaussian as gaussian
from .networks import MLP as MLP
from .networks import TRANSFERS as TRANSFERS
from .networks import init_mlp as init_mlp
from .networks import mlp_forward as mlp_forward
from .networks import perceptron as perceptron
from .results import SearchResult as SearchResult
from .results.plots import plot_comparison as plot_comparison
from .results.plots import plot_run as plot_run

load_result = SearchResult.load

__all__ = [
    "METRICS",
    "MLP",
    "TRANSFERS",
    "ArithDecay",
    "CartPole",
    "ClimbingClassifier",
    "ClimbingRegressor",
    "Comparison",
    "ExpDecay",
    "GeomDecay",
    "KeyedObjective",
    "ScoreFn",
    "SearchResult",
    "__version__",
    "accuracy",
    "compare",
    "compare_results",
    "datasets",
    "distributed",
    "evolution_strategy",
    "gaussian",
    "genetic",
    "gradient_descent",
    "hill_climb",
    "init_mlp",
    "load_result",
    "log_loss",
    "make_score_fn",
    "mlp_forward",
    "mse",
    "node_perturbation",
    "perceptron",
    "plot_comparison",
    "plot_run",
    "population_mesh",
    "r2",
    "resume",
    "rollout_objective",
    "run",
    "simulated_annealing",
    "snes",
    "tasks",
    "use_cpu_cores",
    "with_restarts",
]

"""Economic complexity of locations and activities (countries x products, regions x industries):
Balassa RCA, the eigenvector ECI/PCI, the method of reflections, fitness-complexity, proximity (the
product space), density and distance, complexity outlook index and gain, relative relatedness.

py-ecomplexity 0.5.3 (Harvard Growth Lab) is the test oracle: on the same matrix the eigen results
agree with it to rounding. The method and its conventions: docs/methods/complexity.md.
"""

from .indices import METHODS, ROW_KEYS, ComplexityResult, complexity, fitness_complexity, reflections
from .matrix import (
    ComplexityError,
    LongMatrix,
    NotConvergedError,
    as_matrix,
    pivot_long,
    presence_matrix,
    rca,
)
from .relatedness import PROXIMITIES, coi_cog, density_distance, proximity_matrix, relative_relatedness
from .synthetic import nested_matrix

__all__ = [
    "METHODS",
    "PROXIMITIES",
    "ROW_KEYS",
    "ComplexityError",
    "ComplexityResult",
    "LongMatrix",
    "NotConvergedError",
    "as_matrix",
    "coi_cog",
    "complexity",
    "density_distance",
    "fitness_complexity",
    "nested_matrix",
    "pivot_long",
    "presence_matrix",
    "proximity_matrix",
    "rca",
    "reflections",
    "relative_relatedness",
]

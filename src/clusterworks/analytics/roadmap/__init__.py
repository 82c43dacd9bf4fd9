"""Technology roadmaps: layers, technology chains, competence gaps and partners to close them.

A roadmap links market needs to the products or services that meet them, to the technologies
those need, and to the resources and competences the technologies need (Phaal, Farrukh & Probert
2004). This package:

* holds a roadmap as data (:class:`Roadmap` of :class:`RoadmapNode` and :class:`RoadmapLink`) and
  checks it, reporting every problem at once (:func:`roadmap_issues`, :func:`validate_roadmap`);
* lists its technology chains, every path from a need to what it finally takes
  (:func:`technology_chains`);
* matches the competences the nodes need with the members of the cluster who hold them, finding the
  gap nodes and the incomplete chains (:func:`competence_coverage`);
* ranks organisations outside the cluster by the missing competences they offer, and picks a small
  set of them that together offer all they can, by greedy set cover (:func:`propose_partners`).

The library is pure Python (no Django) and raises only :class:`RoadmapError` and its subclasses
:class:`InvalidRoadmap` and :class:`TooManyChains`. The method: ``docs/methods/roadmaps.md``.

Examples
--------
>>> from clusterworks.analytics.roadmap import Roadmap, RoadmapNode, technology_chains
>>> roadmap = Roadmap(
...     [RoadmapNode("early-diagnosis", "market"), RoadmapNode("test-kit", "product"),
...      RoadmapNode("biosensor", "technology", trl=4, competences={"electrochemistry"})],
...     [("early-diagnosis", "test-kit"), ("test-kit", "biosensor")])
>>> technology_chains(roadmap)
(('early-diagnosis', 'test-kit', 'biosensor'),)
"""

from __future__ import annotations

from .chains import technology_chains
from .competences import (
    ChainCoverage,
    CompetenceCoverage,
    CoverStep,
    NodeCoverage,
    PartnerMatch,
    PartnerProposal,
    competence_coverage,
    propose_partners,
)
from .model import (
    ISSUE_KINDS,
    LAYERS,
    InvalidRoadmap,
    Roadmap,
    RoadmapError,
    RoadmapIssue,
    RoadmapLink,
    RoadmapNode,
    TooManyChains,
    roadmap_issues,
    validate_roadmap,
)

__all__ = [
    "ISSUE_KINDS",
    "LAYERS",
    "ChainCoverage",
    "CompetenceCoverage",
    "CoverStep",
    "InvalidRoadmap",
    "NodeCoverage",
    "PartnerMatch",
    "PartnerProposal",
    "Roadmap",
    "RoadmapError",
    "RoadmapIssue",
    "RoadmapLink",
    "RoadmapNode",
    "TooManyChains",
    "competence_coverage",
    "propose_partners",
    "roadmap_issues",
    "technology_chains",
    "validate_roadmap",
]

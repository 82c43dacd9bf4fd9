"""The pathways part of the demo: a plausible pipeline of the Moscow Medical Technologies Cluster --
medicines, medical devices of classes 1 to 3, in-vitro diagnostics, medical software and a service from
the members' fields, each with its consortium of members (and a few partners outside the cluster) --,
with gate histories from 2019 to :data:`DEMO_TODAY` generated from a fixed seed so that the bottlenecks
show (GMP conclusions and device registration often beyond their time, clinical-trial permits mostly on
time, several products stuck now), a few documents of each product (stored privately, like uploads),
and the barriers the members raised, escalated and resolved.

Everything here is illustrative and marked so. Building twice changes nothing (see :mod:`.build`).
"""

from .build import build_pathways_demo
from .content import BARRIERS, DEMO_TODAY, MMTC, SEED, STORIES, TESTING_LAB, BarrierStory, Story
from .documents import DOCUMENTS_PER_PRODUCT, build_documents, pdf_bytes, planned_documents
from .histories import DemoEvent, story_events

__all__ = [
    "BARRIERS",
    "DOCUMENTS_PER_PRODUCT",
    "DEMO_TODAY",
    "MMTC",
    "SEED",
    "STORIES",
    "TESTING_LAB",
    "BarrierStory",
    "DemoEvent",
    "Story",
    "build_documents",
    "build_pathways_demo",
    "pdf_bytes",
    "planned_documents",
    "story_events",
]

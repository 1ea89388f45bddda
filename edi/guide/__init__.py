"""Implementation guides compiled from pyx12's maps, and the loop trees built with them."""

from edi.guide._loader import load_guide
from edi.guide._placer import LoopPlacer, Move
from edi.guide._select import NAMED, guide_for, guide_named, map_name_for
from edi.guide._spec import ElementSpec, LoopSpec, SegmentSpec, TransactionSpec
from edi.guide._tree import (FoldedLoop, Folds, Loop, dismantle, SegmentNode, TransactionTree, TreeBuilder, control_guide, control_segment,
                             iter_loop_trees,
                             walk_file,
                             iter_transactions, read_trees)
from edi.guide._walk import Step, walk_segments

__all__ = [
    "NAMED", "ElementSpec", "FoldedLoop", "Folds", "Loop", "LoopPlacer", "LoopSpec", "Move", "SegmentNode", "SegmentSpec", "Step",
    "TransactionSpec", "TransactionTree", "TreeBuilder", "control_guide", "control_segment", "guide_for", "guide_named",
    "dismantle", "iter_loop_trees", "iter_transactions", "load_guide", "map_name_for", "read_trees", "walk_file", "walk_segments",
]

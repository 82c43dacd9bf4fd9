"""Rooms for the meetings of each slot, once the slots are chosen.

Why the solvers only count rooms. A room has no attribute besides the slots it is open, and a
meeting takes one slot. So a choice of slots can be given rooms if and only if, in every slot, the
meetings placed there are no more than the rooms open and not taken by a fixed meeting: each slot is
a separate assignment of its meetings to its free rooms, and any free room can host any meeting, so
any one-to-one assignment will do. This holds whether or not rooms open in the same slots
(``room_slots``): the count is taken per slot, over the rooms open in that slot. The model therefore
needs one constraint per slot instead of a variable per meeting, slot and room -- 200 times fewer
variables for 200 rooms.

Home rooms (``Problem.home_rooms``) only choose among these assignments: in each slot the meetings
are matched to the free home rooms of their participants by a maximum bipartite matching (the
Hopcroft-Karp algorithm [1]_, through :func:`scipy.sparse.csgraph.maximum_bipartite_matching`), so
that as many meetings as possible take place at one of their participants' tables; the others take
the remaining rooms, rooms that are nobody's home first, in room order. This is the most home-room
meetings *for the chosen slots*; choosing slots to favour home rooms is not attempted.

References
----------
.. [1] J. E. Hopcroft and R. M. Karp, "An n^5/2 algorithm for maximum matchings in bipartite
   graphs", *SIAM Journal on Computing* 2 (1973) 225-231. :doi:`10.1137/0202019`
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_bipartite_matching

from .instance import Instance, State


def assign_rooms(inst: Instance, state: State) -> dict[int, int]:
    """Meeting -> room index for every placed meeting of ``state``."""
    problem = inst.problem
    by_slot: dict[int, list[int]] = defaultdict(list)
    for m, s in state.slot.items():
        by_slot[s].append(m)
    taken: dict[int, set[int]] = defaultdict(set)
    for _, s, r in inst.fixed:
        taken[s].add(r)
    room_at = {r: i for i, r in enumerate(problem.rooms)}
    home: dict[int, int] = {
        inst.index[p]: room_at[room] for p, room in problem.home_rooms.items() if p in inst.index
    }
    is_home = set(home.values())
    rooms: dict[int, int] = {}
    for s in sorted(by_slot):
        meetings = sorted(by_slot[s], key=lambda m: inst.request[m])
        free = [r for r, open_ in enumerate(inst.room_open) if open_ >> s & 1 and r not in taken[s]]
        if len(meetings) > len(free):  # pragma: no cover - the solvers respect the room counts
            raise RuntimeError(f"{len(meetings)} meetings but {len(free)} free rooms in slot {s}")
        used: set[int] = set()
        if home:
            free_set = set(free)
            rows, cols = [], []
            for k, m in enumerate(meetings):
                for p in (inst.a[m], inst.b[m]):
                    r = home.get(p)
                    if r is not None and r in free_set:
                        rows.append(k)
                        cols.append(r)
            if rows:
                graph = sp.csr_array(
                    (np.ones(len(rows), dtype=np.int8), (rows, cols)),
                    shape=(len(meetings), len(problem.rooms)),
                )
                graph.sum_duplicates()
                match = maximum_bipartite_matching(graph, perm_type="column")
                for k, r in enumerate(match.tolist()):
                    if r >= 0:
                        rooms[meetings[k]] = r
                        used.add(r)
        rest = iter(sorted((r for r in free if r not in used), key=lambda r: (r in is_home, r)))
        for m in meetings:
            if m not in rooms:
                rooms[m] = next(rest)
    return rooms

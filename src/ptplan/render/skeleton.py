"""Forward kinematics of the 2-D figure used in the exercise illustrations.

A pose is a dict of joint angles in degrees (see :class:`ptplan.core.kb.schema.Pose`). ``trunk`` is the
absolute direction of the pelvis→neck segment (90 = upright, 180 = lying with the head on the left,
0 = lying or on hands and knees with the head on the right). Every other angle is relative to its parent:
hip and shoulder 0 = limb continues the trunk line downwards, positive = flexion towards the front of the
body; knee positive = bends the shank backwards; elbow positive = bends the forearm forwards; ankle
positive = dorsiflexion from a right angle. In the ``front`` view hip and shoulder angles are abduction.

Units: a standing figure is about 100 units tall; y grows upwards (flipped when drawn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: segment lengths (standing height ≈ 100 units)
L = {"trunk": 30.0, "neck": 4.0, "head_r": 6.5, "thigh": 24.0, "shank": 23.0, "foot": 8.0,
     "upper_arm": 16.0, "forearm": 15.0, "hip_w": 5.0, "shoulder_w": 6.0}
NEUTRAL = {"trunk": 90.0, "spine": 0.0, "neck": 0.0, "near_hip": 0.0, "near_knee": 0.0, "near_ankle": 0.0,
           "far_hip": 0.0, "far_knee": 0.0, "far_ankle": 0.0, "near_shoulder": 0.0, "near_elbow": 0.0,
           "far_shoulder": 0.0, "far_elbow": 0.0}

Point = tuple[float, float]


@dataclass(frozen=True)
class Figure:
    """Joint positions of one frame: named chains plus the head."""

    chains: dict[str, list[Point]]  # trunk, near_leg, far_leg, near_arm, far_arm
    head: Point

    def points(self) -> list[Point]:
        return [p for chain in self.chains.values() for p in chain] + [self.head]

    def moved(self, dx: float, dy: float) -> Figure:
        def mv(p: Point) -> Point:
            return (p[0] + dx, p[1] + dy)
        return Figure({k: [mv(p) for p in v] for k, v in self.chains.items()}, mv(self.head))

    def named(self) -> dict[str, Point]:
        """Points props attach to (hands, feet, knees, pelvis, head)."""
        c = self.chains
        (px, py), (nx, ny) = c["trunk"][0], c["trunk"][-1]
        return {"low_back": (px + 0.25 * (nx - px), py + 0.25 * (ny - py)),
                "upper_back": (px + 0.7 * (nx - px), py + 0.7 * (ny - py)),
                "near_hand": c["near_arm"][-1], "far_hand": c["far_arm"][-1], "near_foot": c["near_leg"][-2],
                "far_foot": c["far_leg"][-2], "near_knee": c["near_leg"][1], "far_knee": c["far_leg"][1],
                "pelvis": c["trunk"][0], "head": self.head}


def _step(p: Point, length: float, deg: float) -> Point:
    r = math.radians(deg)
    return (p[0] + length * math.cos(r), p[1] + length * math.sin(r))


def _leg(hip: Point, base: float, hip_a: float, knee_a: float, ankle_a: float, sign: float,
         thigh_scale: float = 1.0) -> list[Point]:
    thigh = base + sign * hip_a
    knee = _step(hip, L["thigh"] * thigh_scale, thigh)
    shank = thigh - sign * knee_a
    ankle = _step(knee, L["shank"], shank)
    toe = _step(ankle, L["foot"], shank + sign * (90 + ankle_a))
    return [hip, knee, ankle, toe]


def _arm(shoulder: Point, base: float, sh_a: float, el_a: float, sign: float) -> list[Point]:
    upper = base + sign * sh_a
    elbow = _step(shoulder, L["upper_arm"], upper)
    wrist = _step(elbow, L["forearm"], upper + sign * el_a)
    return [shoulder, elbow, wrist]


def _spine(pelvis: Point, neck: Point, trunk: float, bend: float) -> Point:
    """Control point of the curved trunk: a rounded back bulges backwards (away from the face)."""
    mid = ((pelvis[0] + neck[0]) / 2, (pelvis[1] + neck[1]) / 2)
    return _step(mid, L["trunk"] / 2 * math.tan(math.radians(bend) / 2), trunk + 90)


def solve(angles: dict[str, float], view: str = "side", thigh_scale: float = 1.0) -> Figure:
    """Joint positions for ``angles`` (missing joints take :data:`NEUTRAL`), pelvis at the origin."""
    a = {**NEUTRAL, **angles}
    t = a["trunk"]
    pelvis = (0.0, 0.0)
    neck = _step(pelvis, L["trunk"], t)
    head = _step(neck, L["neck"] + L["head_r"], t + a["neck"])
    shoulder = _step(neck, -2.5, t)
    down = t + 180
    chains = {"trunk": [pelvis, _spine(pelvis, neck, t, a["spine"]), neck]}
    for side in ("far", "near"):
        if view == "front":
            # near limbs on the viewer's left, far limbs on the right; angles open outwards
            sign = -1.0 if side == "near" else 1.0
            across = t - 90
            hip, sh = _step(pelvis, sign * L["hip_w"], across), _step(shoulder, sign * L["shoulder_w"], across)
        else:
            sign, hip, sh = 1.0, pelvis, shoulder
        chains[f"{side}_leg"] = _leg(hip, down, a[f"{side}_hip"], a[f"{side}_knee"], a[f"{side}_ankle"], sign,
                                     thigh_scale)
        chains[f"{side}_arm"] = _arm(sh, down, a[f"{side}_shoulder"], a[f"{side}_elbow"], sign)
    if view == "front":  # feet point at the viewer: draw them short, turned out
        for side, sign in (("near", -1.0), ("far", 1.0)):
            leg = chains[f"{side}_leg"]
            leg[-1] = (leg[-2][0] + sign * 3.0, leg[-2][1] - 0.5)
    return Figure(chains, head)

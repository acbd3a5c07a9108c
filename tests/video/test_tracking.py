"""Subject discovery and identity logic on synthetic boxes (no video needed)."""

from __future__ import annotations

import numpy as np

from ptplan.video.tracking import Identity, choose_subject, iou, link, mask_box


def _box(cx, top, h, w=None):
    w = w or h * 0.5
    return np.array([cx - w / 2, top, cx + w / 2, top + h], float)


def test_it_links_a_walker_and_a_bystander_without_swapping_them():
    # the walker crosses right to left low in the frame; the bystander stands higher up; sampled every second
    sightings = []
    for k, f in enumerate(range(60, 181, 30)):
        boxes = [_box(1400 - 260 * k, 560, 370)]
        if k in (0, 3):
            boxes.append(_box(610, 60, 370))
        sightings.append((f, boxes))
    ids = link(sightings, 30.0)
    walker = max(ids, key=lambda i: len(i.boxes))
    assert sorted(walker.boxes) == [60, 90, 120, 150, 180]
    assert all(b[1] == 560 for b in walker.boxes.values())


def test_it_prefers_the_person_who_travels_for_gait_and_honours_a_user_box():
    walker = Identity({f: _box(1400 - 260 * k, 560, 360) for k, f in enumerate(range(60, 181, 30))})
    bystander = Identity({f: _box(900, 300, 380) for f in range(0, 230, 30)})  # central, tall, still
    assert choose_subject([walker, bystander], 1768, 994, prefer_moving=True) == 0
    assert choose_subject([walker, bystander], 1768, 994, prefer_moving=False) == 1
    assert choose_subject([walker, bystander], 1768, 994, user_box=_box(1400, 560, 360)) == 0
    assert choose_subject([], 1768, 994) is None


def test_it_interpolates_an_identity_box_and_stops_beyond_its_reach():
    ident = Identity({0: np.array([0, 0, 10, 10.0]), 30: np.array([30, 0, 40, 10.0])})
    assert ident.box_at(15, 30.0)[0] == 15.0
    assert ident.box_at(100, 30.0) is None


def test_it_paints_a_box_grey_and_measures_overlap():
    img = np.zeros((100, 100, 3), np.uint8)
    out = mask_box(img, np.array([10, 10, 50, 50.0]), grow=0.0)
    assert out[30, 30, 0] == 127 and out[80, 80, 0] == 0 and img[30, 30, 0] == 0
    assert iou(np.array([0, 0, 10, 10.0]), np.array([5, 0, 15, 10.0])) == 50 / 150

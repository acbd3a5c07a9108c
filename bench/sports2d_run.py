"""Run Sports2D 0.3.4 (MediaPipe backend, model_complexity 1) on one clip; called by bench/video.py
with the Python of a separate venv (Sports2D pins conflict with ptplan's).

    python sports2d_run.py CLIP OUTDIR
"""

import sys
from pathlib import Path

CONFIG = """
[project]
video_dir = '{video_dir}'
video_files = '{video_file}'
result_dir = '{result_dir}'
[pose]
pose_algo = 'BLAZEPOSE'
  [pose.BLAZEPOSE]
  model_complexity = 1
  [pose.OPENPOSE]
  openpose_model = 'BODY_25'
  openpose_path = ''
[compute_angles]
joint_angles = ['Right ankle', 'Left ankle', 'Right knee', 'Left knee', 'Right hip', 'Left hip']
segment_angles = ['Right shank', 'Left shank', 'Right thigh', 'Left thigh', 'Trunk']
[pose_advanced]
overwrite_pose = false
save_vid = false
save_img = false
interp_gap_smaller_than = 5
filter = true
show_plots = false
filter_type = 'butterworth'
  [pose_advanced.butterworth]
  order = 4
  cut_off_frequency = 6
  [pose_advanced.gaussian]
  sigma_kernel = 1
  [pose_advanced.loess]
  nb_values_used = 5
  [pose_advanced.median]
  kernel_size = 3
[compute_angles_advanced]
show_angles_on_img = false
show_angles_on_vid = false
filter = true
show_plots = false
flip_left_right = true
filter_type = 'butterworth'
  [compute_angles_advanced.butterworth]
  order = 4
  cut_off_frequency = 6
  [compute_angles_advanced.gaussian]
  sigma_kernel = 1
  [compute_angles_advanced.loess]
  nb_values_used = 5
  [compute_angles_advanced.median]
  kernel_size = 3
"""


def main() -> None:
    clip, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    cfg = out / "Config.toml"
    cfg.write_text(CONFIG.format(video_dir=clip.parent, video_file=clip.name, result_dir=out))
    from Sports2D import Sports2D

    Sports2D.detect_pose(str(cfg))
    Sports2D.compute_angles(str(cfg))


if __name__ == "__main__":
    main()

"""`make bench`: speed measured as ratios against baselines run in the same process."""

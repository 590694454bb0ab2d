"""Speed and memory benchmarks of vhcs_analysis: `python -m benchmarks` (`make bench`)."""

"""vhcs_analysis: số liệu sơ kết, tổng kết Nghị quyết 01-NQ/ĐUK về văn hóa công sở.

Reads and cleans unit reports (Form 01-VHCS), inspection results (Form 02-VHCS) and
annual rankings, compares the 7 pilot units with the rest, and builds the review PDF.
"""

__version__ = "0.1.0"

"""The README written next to the ground truth (Vietnamese first, for the bloc's analysts)."""

TRUTH_README = """\
# Số liệu gốc đúng của DỮ LIỆU MẪU (sample ground truth)

DỮ LIỆU MẪU – không phải số liệu thực. Thư mục này nằm NGOÀI thư mục dữ liệu thô: nó là
đáp án mà bước làm sạch (`vhcs clean`) phải cho ra từ dữ liệu thô mẫu, dùng để kiểm thử.
This folder is the answer key for the synthetic raw folder; it is never inside it.

| tệp | nội dung |
|---|---|
| `units.parquet` | danh mục đơn vị (như `units.csv` trong dữ liệu thô), bảng `units` |
| `unit_reports.parquet` | bảng `unit_reports` đúng: một dòng mỗi (đơn vị, kỳ) được giữ lại; `source_file` là đường dẫn tương đối trong thư mục thô (dấu `/`); `source_row` là dòng Excel của dòng số liệu (bảng tổng hợp) hoặc của chỉ tiêu đầu tiên (biểu từng đơn vị); `source_sheet` trống với CSV |
| `inspections.parquet` | bảng `inspections` đúng (Biểu 02), `total_score` như ghi, `criteria_sum` tính lại |
| `rankings.parquet` | bảng `rankings` đúng; `category` như ghi (NFC, bỏ khoảng trắng thừa); `source_sheet` trống với tệp HTML |
| `expected_rejects.csv` | mỗi dòng thô cài lỗi: `source_file, sheet, row, column, reason_code` (dòng như Excel hiển thị, từ 1; với CSV/HTML là số dòng/số `<tr>`) |
| `expected_findings.csv` | phát hiện về chất lượng số liệu, dòng vẫn giữ: `total_mismatch`, `rating_mismatch`, `fuzzy_match` |
| `expected_skipped.csv` | tệp không phải số liệu, phải bỏ qua (có ghi lý do trong manifest) |
| `expected_missing.csv` | (đơn vị, kỳ) không có trong bảng đúng: `not_reported` (không nộp), `rejected` (dòng bị loại), `not_ranked` (không có trong danh sách xếp loại) |
| `planted_effects.json` | mô hình sinh số liệu: hiệu ứng DiD thật của đơn vị điểm theo từng chỉ tiêu (đơn vị của chỉ tiêu), DiD thực tế tính trên bảng đúng, hạn nộp báo cáo, đơn vị không có bộ phận một cửa |

Quy ước về vị trí lỗi (`row`, `column`):
- bảng tổng hợp, Biểu 02, xếp loại: dòng của đơn vị; cột là chữ cái của ô lỗi
  (trống với `duplicate`);
- biểu từng đơn vị: ô chứa giá trị lỗi (cột "Số liệu"); với `unknown_unit` là ô tên đơn vị
  (dòng "Đơn vị: …"); với `superseded` là dòng chỉ tiêu đầu tiên của bản nộp trước, cột trống.

Chi tiết từng trường hợp cài sẵn: docs/sample-data.md trong mã nguồn.
"""  # noqa: E501 - a Markdown table written as is to the truth folder: one row per line

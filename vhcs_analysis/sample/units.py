"""The sample registry: 66 base party organisations of the Hà Tĩnh provincial agencies bloc.

Names and abbreviations are the ones people really write; staff counts, blocks and the
choice of pilots are invented (which units were pilots is not public). ``one_stop`` says
whether the unit runs a one-stop desk ("bộ phận một cửa"): units without one leave the
dossier fields of Form 01 blank (not applicable), never zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from vhcs_analysis.registry import UNIT_TYPES

BLOCKS: tuple[str, ...] = (
    "Cơ quan Đảng",
    "Mặt trận – Đoàn thể",
    "Văn hóa – Xã hội",
    "Hành chính – Tổng hợp",
    "Kinh tế – Kỹ thuật",
    "Tài chính – Ngân hàng",
    "Nông nghiệp",
)

PARTY_COMMITTEE, PARTY_CELL = UNIT_TYPES
N_PARTY_COMMITTEES = 39  # 39 đảng bộ cơ sở + 27 chi bộ cơ sở (March 2017)


@dataclass(frozen=True)
class UnitSpec:
    """One registry entry before ids and types are assigned."""

    block: int  # index into BLOCKS
    name: str  # official name
    aliases: tuple[str, ...]  # abbreviations used in files
    staff: int  # CBCCVC, người lao động (people)
    one_stop: bool  # has a one-stop desk (dossier fields apply)
    pilot: bool = False
    slug: str = ""  # short ASCII name used in file names


UNIT_SPECS: tuple[UnitSpec, ...] = (
    # Cơ quan Đảng
    UnitSpec(0, "Văn phòng Tỉnh ủy", ("VP Tỉnh ủy", "Văn phòng TU"), 95, False, slug="VP Tinh uy"),
    UnitSpec(0, "Ban Tổ chức Tỉnh ủy", ("Ban TC Tỉnh ủy", "BTC Tỉnh ủy"), 42, False, True, "Ban To chuc TU"),
    UnitSpec(0, "Ban Tuyên giáo Tỉnh ủy", ("Ban TG Tỉnh ủy", "BTG Tỉnh ủy"), 38, False, slug="Ban Tuyen giao TU"),
    UnitSpec(0, "Ban Dân vận Tỉnh ủy", ("Ban DV Tỉnh ủy",), 28, False, slug="Ban Dan van TU"),
    UnitSpec(0, "Ủy ban Kiểm tra Tỉnh ủy", ("UBKT Tỉnh ủy", "Ủy ban KT Tỉnh ủy"), 36, False, slug="UBKT Tinh uy"),
    UnitSpec(0, "Ban Nội chính Tỉnh ủy", ("Ban NC Tỉnh ủy",), 22, False, slug="Ban Noi chinh TU"),
    UnitSpec(0, "Trường Chính trị Trần Phú", ("Trường CT Trần Phú",), 85, False, slug="Truong Chinh tri Tran Phu"),
    # Mặt trận – Đoàn thể
    UnitSpec(1, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ("UB MTTQ tỉnh", "MTTQ tỉnh", "Ủy ban MTTQ tỉnh"), 45, False,
             slug="UB MTTQ tinh"),
    UnitSpec(1, "Tỉnh đoàn", ("Tỉnh Đoàn Hà Tĩnh", "Đoàn TNCS Hồ Chí Minh tỉnh"), 40, False, True, "Tinh doan"),
    UnitSpec(1, "Hội Liên hiệp Phụ nữ tỉnh", ("Hội LHPN tỉnh", "Hội Phụ nữ tỉnh"), 35, False, slug="Hoi LHPN tinh"),
    UnitSpec(1, "Hội Nông dân tỉnh", ("Hội ND tỉnh",), 32, False, slug="Hoi Nong dan"),
    UnitSpec(1, "Hội Cựu chiến binh tỉnh", ("Hội CCB tỉnh",), 18, False, slug="Hoi CCB"),
    UnitSpec(1, "Liên đoàn Lao động tỉnh", ("LĐLĐ tỉnh", "Liên đoàn LĐ tỉnh"), 48, False, slug="LDLD tinh"),
    UnitSpec(1, "Liên minh Hợp tác xã tỉnh", ("Liên minh HTX tỉnh",), 24, False, slug="Lien minh HTX"),
    UnitSpec(1, "Hội Chữ thập đỏ tỉnh", ("Hội CTĐ tỉnh",), 16, False, slug="Hoi Chu thap do"),
    # Văn hóa – Xã hội
    UnitSpec(2, "Sở Giáo dục và Đào tạo", ("Sở GD&ĐT", "Sở GD-ĐT", "Sở GDĐT"), 110, True, slug="So GDDT"),
    UnitSpec(2, "Sở Y tế", ("SYT",), 95, True, True, "So Y te"),
    UnitSpec(2, "Sở Văn hóa, Thể thao và Du lịch", ("Sở VHTTDL", "Sở VH-TT-DL", "Sở VH,TT&DL"), 120, True,
             slug="So VHTTDL"),
    UnitSpec(2, "Sở Lao động – Thương binh và Xã hội", ("Sở LĐ-TB&XH", "Sở LĐTBXH"), 130, True, slug="So LDTBXH"),
    UnitSpec(2, "Sở Thông tin và Truyền thông", ("Sở TT&TT", "Sở TTTT"), 55, True, slug="So TTTT"),
    UnitSpec(2, "Trường Đại học Hà Tĩnh", ("ĐH Hà Tĩnh", "Trường ĐH Hà Tĩnh"), 380, False, slug="DH Ha Tinh"),
    UnitSpec(2, "Trường Cao đẳng Y tế Hà Tĩnh", ("CĐ Y tế Hà Tĩnh", "Trường CĐ Y tế"), 140, False, slug="CD Y te"),
    UnitSpec(2, "Bệnh viện Đa khoa tỉnh", ("BVĐK tỉnh", "Bệnh viện ĐK tỉnh"), 400, False, slug="BVDK tinh"),
    UnitSpec(2, "Đài Phát thanh và Truyền hình tỉnh", ("Đài PT-TH tỉnh", "Đài PTTH Hà Tĩnh"), 160, False,
             slug="Dai PTTH"),
    UnitSpec(2, "Báo Hà Tĩnh", ("Báo HT",), 75, False, slug="Bao Ha Tinh"),
    UnitSpec(2, "Trường Cao đẳng Kỹ thuật Việt – Đức Hà Tĩnh", ("Trường CĐ Việt – Đức", "CĐ Kỹ thuật Việt Đức"), 150,
             False, slug="CD Viet Duc"),
    UnitSpec(2, "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh", ("Liên hiệp các Hội KH&KT tỉnh",), 15, False,
             slug="LH Hoi KHKT"),
    # Hành chính – Tổng hợp
    UnitSpec(3, "Văn phòng UBND tỉnh", ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"), 110, True,
             slug="VP UBND tinh"),
    UnitSpec(3, "Văn phòng Đoàn ĐBQH và HĐND tỉnh", ("VP Đoàn ĐBQH&HĐND tỉnh", "VP Đoàn ĐBQH và HĐND"), 45, False,
             slug="VP DBQH HDND"),
    UnitSpec(3, "Sở Nội vụ", ("SNV",), 85, True, True, "So Noi vu"),
    UnitSpec(3, "Sở Tư pháp", ("STP",), 50, True, slug="So Tu phap"),
    UnitSpec(3, "Thanh tra tỉnh", ("Thanh tra tỉnh Hà Tĩnh",), 45, True, slug="Thanh tra tinh"),
    UnitSpec(3, "Sở Ngoại vụ", ("SNgV",), 20, True, slug="So Ngoai vu"),
    UnitSpec(3, "Tòa án nhân dân tỉnh", ("TAND tỉnh",), 95, False, slug="TAND tinh"),
    UnitSpec(3, "Viện Kiểm sát nhân dân tỉnh", ("VKSND tỉnh",), 90, False, slug="VKSND tinh"),
    UnitSpec(3, "Cục Thi hành án dân sự tỉnh", ("Cục THADS tỉnh",), 70, True, slug="Cuc THADS"),
    UnitSpec(3, "Sở Khoa học và Công nghệ", ("Sở KH&CN", "Sở KHCN"), 60, True, slug="So KHCN"),
    # Kinh tế – Kỹ thuật
    UnitSpec(4, "Sở Kế hoạch và Đầu tư", ("Sở KH&ĐT", "Sở KHĐT"), 75, True, slug="So KHDT"),
    UnitSpec(4, "Sở Công Thương", ("Sở CT",), 90, True, True, "So Cong Thuong"),
    UnitSpec(4, "Sở Xây dựng", ("SXD",), 65, True, slug="So Xay dung"),
    UnitSpec(4, "Sở Giao thông vận tải", ("Sở GTVT",), 110, True, slug="So GTVT"),
    UnitSpec(4, "Sở Tài nguyên và Môi trường", ("Sở TN&MT", "Sở TNMT"), 150, True, slug="So TNMT"),
    UnitSpec(4, "Ban Quản lý Khu kinh tế tỉnh", ("BQL KKT tỉnh", "Ban QL Khu kinh tế"), 80, True, slug="BQL KKT"),
    UnitSpec(4, "Cục Quản lý thị trường tỉnh", ("Cục QLTT tỉnh",), 95, False, slug="Cuc QLTT"),
    UnitSpec(4, "Công ty Điện lực Hà Tĩnh", ("PC Hà Tĩnh", "Điện lực Hà Tĩnh"), 390, False, slug="Dien luc"),
    UnitSpec(4, "Viễn thông Hà Tĩnh", ("VNPT Hà Tĩnh",), 210, False, slug="VNPT"),
    UnitSpec(4, "Bưu điện tỉnh", ("Bưu điện Hà Tĩnh",), 180, False, slug="Buu dien"),
    UnitSpec(4, "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp tỉnh", ("BQLDA DD&CN tỉnh",), 40,
             False, slug="BQLDA DDCN"),
    UnitSpec(4, "Công ty Cổ phần Cấp nước Hà Tĩnh", ("Cấp nước Hà Tĩnh", "Công ty CP Cấp nước Hà Tĩnh"), 160, False,
             slug="Cap nuoc"),
    # Tài chính – Ngân hàng
    UnitSpec(5, "Sở Tài chính", ("STC",), 80, True, slug="So Tai chinh"),
    UnitSpec(5, "Cục Thuế tỉnh", ("Cục Thuế Hà Tĩnh",), 320, True, slug="Cuc Thue"),
    UnitSpec(5, "Kho bạc Nhà nước tỉnh", ("KBNN tỉnh", "KBNN Hà Tĩnh"), 150, True, True, "KBNN"),
    UnitSpec(5, "Bảo hiểm xã hội tỉnh", ("BHXH tỉnh", "BHXH Hà Tĩnh"), 260, True, slug="BHXH"),
    UnitSpec(5, "Cục Thống kê tỉnh", ("Cục TK tỉnh", "Cục Thống kê Hà Tĩnh"), 95, False, slug="Cuc Thong ke"),
    UnitSpec(5, "Ngân hàng Nhà nước chi nhánh Hà Tĩnh", ("NHNN chi nhánh Hà Tĩnh", "NHNN Hà Tĩnh"), 60, True,
             slug="NHNN"),
    UnitSpec(5, "Cục Hải quan Hà Tĩnh", ("Cục HQ Hà Tĩnh",), 170, True, slug="Cuc Hai quan"),
    UnitSpec(5, "Ngân hàng Chính sách xã hội chi nhánh Hà Tĩnh", ("NHCSXH Hà Tĩnh", "NHCSXH chi nhánh Hà Tĩnh"), 90,
             False, slug="NHCSXH"),
    UnitSpec(5, "Agribank chi nhánh Hà Tĩnh", ("Ngân hàng Nông nghiệp và PTNT chi nhánh Hà Tĩnh",), 230, False,
             slug="Agribank"),
    UnitSpec(5, "Vietinbank chi nhánh Hà Tĩnh", ("Ngân hàng TMCP Công thương chi nhánh Hà Tĩnh",), 110, False,
             slug="Vietinbank"),
    # Nông nghiệp
    UnitSpec(6, "Sở Nông nghiệp và Phát triển nông thôn", ("Sở NN&PTNT", "Sở NN-PTNT", "Sở NNPTNT"), 120, True, True,
             "So NNPTNT"),
    UnitSpec(6, "Chi cục Kiểm lâm", ("CCKL Hà Tĩnh", "Chi cục Kiểm lâm Hà Tĩnh"), 210, True, slug="Chi cuc Kiem lam"),
    UnitSpec(6, "Chi cục Thủy lợi", ("CC Thủy lợi",), 30, False, slug="Chi cuc Thuy loi"),
    UnitSpec(6, "Văn phòng Điều phối nông thôn mới tỉnh", ("VP Điều phối NTM tỉnh",), 18, False, slug="VP NTM"),
    UnitSpec(6, "Công ty TNHH MTV Thủy lợi Nam Hà Tĩnh", ("Thủy lợi Nam Hà Tĩnh",), 250, False, slug="Thuy loi Nam"),
    UnitSpec(6, "Công ty TNHH MTV Thủy lợi Bắc Hà Tĩnh", ("Thủy lợi Bắc Hà Tĩnh",), 180, False, slug="Thuy loi Bac"),
    UnitSpec(6, "Vườn Quốc gia Vũ Quang", ("VQG Vũ Quang",), 85, False, slug="VQG Vu Quang"),
)

# Names that must NOT resolve to any registry unit (planted as `unknown_unit`).
UNKNOWN_UNIT_NAMES: tuple[str, ...] = (
    "Hội Người mù tỉnh",
    "Công ty Cổ phần Du lịch Thiên Cầm",
    "Trung tâm Dịch vụ việc làm Nghệ An",
)
# Where each unknown name is planted (docs/sample-data.md, "planted cases").
UNKNOWN_IN_CONSOLIDATED_2016_H2 = UNKNOWN_UNIT_NAMES[0]  # also in the 2018 ranking export
UNKNOWN_IN_INSPECTION_2017_2 = UNKNOWN_UNIT_NAMES[1]
UNKNOWN_IN_UNIT_FORM_2017_H2 = UNKNOWN_UNIT_NAMES[2]
UNKNOWN_IN_RANKING_2018 = UNKNOWN_UNIT_NAMES[0]


@dataclass(frozen=True)
class Typo:
    """A unit whose name is typed with a typo a fuzzy matcher should still accept
    (finding `fuzzy_match`); the unit is never drawn as missing or for another planted case."""

    unit_index: int  # position in UNIT_SPECS (= row of the registry)
    typed: str  # the name as it stands in the file


TYPO_CONSOLIDATED_2017_H1 = Typo(17, "Sở Văn hoá, Thể thao và Du lịc")
TYPO_INSPECTION_2018_2 = Typo(41, "Sở Tài nguyên và Môi trườg")
TYPO_RANKING_2017 = Typo(47, "Ban Quản lý dự án đầu tư xây dựng công trình dân dung và công nghệp tỉnh")
TYPO_UNIT_FORM_2018_H2 = Typo(52, "Bảo hiểm xã hộ tỉnh")
TYPO_RANKING_2018 = Typo(25, "Trường Cao đẳng Kỷ thuật Việt – Đức Hà Tnh")
TYPOS: tuple[Typo, ...] = (TYPO_CONSOLIDATED_2017_H1, TYPO_INSPECTION_2018_2, TYPO_RANKING_2017,
                           TYPO_UNIT_FORM_2018_H2, TYPO_RANKING_2018)

# Sixty-three provinces and cities (national benchmark scale).
PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa – Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang",
    "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên",
    "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An",
    "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình",
    "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "TP. Hồ Chí Minh",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)

# Extra agencies for the national scale (with the 66 above: 100 per province).
EXTRA_AGENCIES: tuple[tuple[int, str, bool], ...] = tuple(
    (block, name, one_stop)
    for block, names, one_stop in (
        (0, ("Ban Kinh tế Tỉnh ủy", "Báo Đảng bộ tỉnh", "Đảng ủy Quân sự tỉnh"), False),
        (1, ("Hội Luật gia tỉnh", "Hội Nhà báo tỉnh", "Hội Văn học Nghệ thuật tỉnh",
             "Hội Khuyến học tỉnh", "Hội Người cao tuổi tỉnh"), False),
        (2, ("Bệnh viện Y dược cổ truyền tỉnh", "Bệnh viện Mắt tỉnh", "Trung tâm Kiểm soát bệnh tật tỉnh",
             "Trường Trung cấp Nghề tỉnh", "Thư viện tỉnh", "Bảo tàng tỉnh"), False),
        (3, ("Trung tâm Hành chính công tỉnh", "Ban Thi đua – Khen thưởng tỉnh", "Chi cục Văn thư – Lưu trữ",
             "Công an tỉnh", "Ban Dân tộc tỉnh"), True),
        (4, ("Quỹ Đầu tư phát triển tỉnh", "Trung tâm Xúc tiến đầu tư tỉnh", "Ban QLDA giao thông tỉnh",
             "Công ty Môi trường đô thị", "Trung tâm Quy hoạch xây dựng", "Văn phòng Đăng ký đất đai tỉnh"), True),
        (5, ("BIDV chi nhánh tỉnh", "Vietcombank chi nhánh tỉnh", "Bảo Việt tỉnh", "Quỹ Tín dụng nhân dân tỉnh",
             "Chi cục Thuế khu vực thành phố"), False),
        (6, ("Chi cục Chăn nuôi và Thú y", "Chi cục Trồng trọt và Bảo vệ thực vật", "Trung tâm Khuyến nông tỉnh",
             "Chi cục Phát triển nông thôn"), True),
    )
    for name in names
)

// Data of the fictional Kabupaten Sukamaju used by the demo (see demo_region.h).
#include "app/demo/demo_region.h"

#include <utility>

namespace humas::demo {
namespace {

constexpr std::string_view kTz = "Asia/Makassar";
constexpr std::string_view kHost = "sukamajukab.go.id.example";

UnixMillis Day(int y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d) * 86'400'000; }

void AddAgency(DemoRegion* r, AgencyKind kind, std::string code, std::string parent_code,
               std::string name, std::string short_name, std::string phone) {
  DemoAgency a;
  a.parent_code = std::move(parent_code);
  a.agency.kind = kind;
  a.agency.name = std::move(name);
  a.agency.short_name = std::move(short_name);
  a.agency.code = code;
  a.agency.timezone = std::string(kTz);
  a.agency.email = code + "@" + std::string(kHost);
  a.agency.phone = std::move(phone);
  a.agency.website = kind == AgencyKind::kRegion ? "https://" + std::string(kHost)
                                                 : "https://" + code + "." + std::string(kHost);
  r->agencies.push_back(std::move(a));
}

PlatformType TypeOf(Platform p) {
  switch (p) {
    case Platform::kX:
    case Platform::kMastodon:
    case Platform::kBluesky:
      return PlatformType::kMicroblog;
    case Platform::kFacebook:
      return PlatformType::kSocialNetwork;
    case Platform::kInstagram:
    case Platform::kYoutube:
    case Platform::kTiktok:
      return PlatformType::kMediaSharing;
    case Platform::kTelegram:
    case Platform::kWhatsapp:
      return PlatformType::kMessaging;
    case Platform::kRss:
    case Platform::kWebsite:
      return PlatformType::kBlog;
    case Platform::kOther:
      return PlatformType::kSocialNetwork;
  }
  return PlatformType::kSocialNetwork;
}

//! Security checklist levels: 3 = all checks met and reviewed, 0 = nothing done yet.
SecurityChecklist Security(int level, std::string custodian, UnixMillis reviewed) {
  SecurityChecklist s;
  s.two_factor = level >= 1;
  s.recovery_owned_by_agency = level >= 2;
  s.password_in_custody = level >= 3;
  if (level >= 2) s.custodian = std::move(custodian);
  if (level >= 1) s.last_review = reviewed;
  return s;
}

void AddAccount(DemoRegion* r, std::string agency_code, Platform platform, std::string handle,
                std::string display_name, std::string url, AccountStatus status, bool verified,
                SecurityChecklist security) {
  DemoAccount a;
  a.agency_code = std::move(agency_code);
  a.account.platform = platform;
  a.account.platform_type = TypeOf(platform);
  a.account.handle = std::move(handle);
  a.account.display_name = std::move(display_name);
  a.account.url = std::move(url);
  a.account.status = status;
  a.account.verified = verified;
  a.account.security = std::move(security);
  r->accounts.push_back(std::move(a));
}

struct Sk {
  std::string decree_number, decree_date, valid_from, valid_until;
};

void AddAppointment(DemoRegion* r, std::string agency_code, std::string username,
                    AppointmentRole role, std::string person, std::string nip, std::string position,
                    const Sk& sk, bool active = true) {
  DemoAppointment a;
  a.agency_code = std::move(agency_code);
  a.username = std::move(username);
  a.appointment.role = role;
  a.appointment.person_name = std::move(person);
  a.appointment.nip = std::move(nip);
  a.appointment.position = std::move(position);
  a.appointment.decree_number = sk.decree_number;
  a.appointment.decree_date = sk.decree_date;
  a.appointment.valid_from = sk.valid_from;
  a.appointment.valid_until = sk.valid_until;
  a.appointment.active = active;
  r->appointments.push_back(std::move(a));
}

void AddAgencies(DemoRegion* r) {
  using K = AgencyKind;
  AddAgency(r, K::kRegion, "sukamaju", "", "Pemerintah Kabupaten Sukamaju", "Pemkab Sukamaju",
            "(0552) 21001");
  AddAgency(r, K::kAgency, "setda", "sukamaju", "Sekretariat Daerah Kabupaten Sukamaju", "Setda",
            "(0552) 21002");
  AddAgency(r, K::kAgency, "diskominfo", "sukamaju", "Dinas Komunikasi dan Informatika",
            "Diskominfo", "(0552) 21130");
  AddAgency(r, K::kAgency, "dinkes", "sukamaju", "Dinas Kesehatan", "Dinkes", "(0552) 21245");
  AddAgency(r, K::kAgency, "disdik", "sukamaju", "Dinas Pendidikan", "Disdik", "(0552) 21318");
  AddAgency(r, K::kAgency, "pupr", "sukamaju", "Dinas Pekerjaan Umum dan Penataan Ruang",
            "Dinas PUPR", "(0552) 21406");
  AddAgency(r, K::kAgency, "dishub", "sukamaju", "Dinas Perhubungan", "Dishub", "(0552) 21512");
  AddAgency(r, K::kAgency, "dinsos", "sukamaju",
            "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A",
            "(0552) 21620");
  AddAgency(r, K::kAgency, "disdukcapil", "sukamaju", "Dinas Kependudukan dan Pencatatan Sipil",
            "Disdukcapil", "(0552) 21733");
  AddAgency(r, K::kAgency, "bpbd", "sukamaju", "Badan Penanggulangan Bencana Daerah", "BPBD",
            "(0552) 21112");
  AddAgency(r, K::kAgency, "rsud", "sukamaju", "Rumah Sakit Umum Daerah Sukamaju", "RSUD Sukamaju",
            "(0552) 21880");
  AddAgency(r, K::kAgency, "dlh", "sukamaju", "Dinas Lingkungan Hidup", "DLH", "(0552) 21954");
  // Units.
  AddAgency(r, K::kUnit, "prokopim", "setda", "Bagian Protokol dan Komunikasi Pimpinan", "Prokopim",
            "(0552) 21005");
  AddAgency(r, K::kUnit, "kec-tanjung-harapan", "setda", "Kecamatan Tanjung Harapan",
            "Kec. Tanjung Harapan", "(0552) 22101");
  AddAgency(r, K::kUnit, "kec-muara-jaya", "setda", "Kecamatan Muara Jaya", "Kec. Muara Jaya",
            "(0552) 23102");
  AddAgency(r, K::kUnit, "kec-batu-ampar", "setda", "Kecamatan Batu Ampar", "Kec. Batu Ampar",
            "(0552) 24103");
  AddAgency(r, K::kUnit, "pkm-tanjung-harapan", "dinkes", "UPT Puskesmas Tanjung Harapan",
            "Puskesmas Tanjung Harapan", "(0552) 22140");
  AddAgency(r, K::kUnit, "pkm-muara-jaya", "dinkes", "UPT Puskesmas Muara Jaya",
            "Puskesmas Muara Jaya", "(0552) 23141");
  AddAgency(r, K::kUnit, "pkm-sungai-lungun", "dinkes", "UPT Puskesmas Sungai Lungun",
            "Puskesmas Sungai Lungun", "(0552) 25142");
  AddAgency(r, K::kUnit, "upt-pju", "dishub", "UPT Penerangan Jalan Umum", "UPT PJU",
            "(0552) 21515");
  AddAgency(r, K::kUnit, "upt-tpa", "dlh", "UPT Tempat Pemrosesan Akhir Sampah Batu Ampar",
            "UPT TPA Batu Ampar", "(0552) 24955");
}

void AddAccounts(DemoRegion* r) {
  using P = Platform;
  using S = AccountStatus;
  const UnixMillis q3 = Day(2026, 9, 15);
  const UnixMillis q1 = Day(2026, 3, 2);
  const UnixMillis old = Day(2024, 11, 20);
  const std::string custodian = "Bidang Informasi dan Komunikasi Publik, Diskominfo";

  AddAccount(r, "sukamaju", P::kX, "@pemkabsukamaju", "Pemkab Sukamaju",
             "https://x.example/pemkabsukamaju", S::kActive, true, Security(3, custodian, q3));
  AddAccount(r, "sukamaju", P::kInstagram, "@pemkab.sukamaju", "Pemerintah Kabupaten Sukamaju",
             "https://instagram.example/pemkab.sukamaju", S::kActive, true,
             Security(3, custodian, q3));
  AddAccount(r, "sukamaju", P::kFacebook, "PemkabSukamaju", "Pemerintah Kabupaten Sukamaju",
             "https://facebook.example/PemkabSukamaju", S::kActive, true,
             Security(3, custodian, q3));
  AddAccount(r, "sukamaju", P::kYoutube, "@PemkabSukamajuTV", "Sukamaju TV",
             "https://youtube.example/@PemkabSukamajuTV", S::kActive, false,
             Security(2, custodian, q1));
  AddAccount(r, "sukamaju", P::kTiktok, "@pemkabsukamaju", "Pemkab Sukamaju",
             "https://tiktok.example/@pemkabsukamaju", S::kActive, false,
             Security(1, custodian, q1));
  AddAccount(r, "sukamaju", P::kWebsite, std::string(kHost), "Portal Resmi Kabupaten Sukamaju",
             "https://" + std::string(kHost), S::kActive, false, Security(3, custodian, q3));
  AddAccount(r, "prokopim", P::kInstagram, "@prokopim.sukamaju", "Prokopim Sukamaju",
             "https://instagram.example/prokopim.sukamaju", S::kActive, false,
             Security(2, "Kasubbag Dokumentasi Pimpinan", q1));
  AddAccount(r, "diskominfo", P::kX, "@kominfosukamaju", "Diskominfo Sukamaju",
             "https://x.example/kominfosukamaju", S::kActive, true, Security(3, custodian, q3));
  AddAccount(r, "diskominfo", P::kInstagram, "@diskominfo.sukamaju", "Diskominfo Sukamaju",
             "https://instagram.example/diskominfo.sukamaju", S::kActive, true,
             Security(3, custodian, q3));
  AddAccount(r, "diskominfo", P::kTelegram, "@infosukamaju", "Info Resmi Kabupaten Sukamaju",
             "https://t.example/infosukamaju", S::kActive, false, Security(3, custodian, q3));
  AddAccount(r, "diskominfo", P::kRss, "berita." + std::string(kHost), "Berita Kabupaten Sukamaju",
             "https://" + std::string(kHost) + "/berita/feed.xml", S::kActive, false,
             Security(2, custodian, q1));
  AddAccount(r, "diskominfo", P::kWhatsapp, "Layanan Aduan Sukamaju (WA)", "Aduan Sukamaju",
             "https://wa.example/628000210130", S::kActive, true, Security(3, custodian, q3));
  AddAccount(r, "dinkes", P::kX, "@dinkes_sukamaju", "Dinkes Kab. Sukamaju",
             "https://x.example/dinkes_sukamaju", S::kActive, false,
             Security(2, "Sekretaris Dinas Kesehatan", q3));
  AddAccount(r, "dinkes", P::kInstagram, "@dinkes.sukamaju", "Dinas Kesehatan Kab. Sukamaju",
             "https://instagram.example/dinkes.sukamaju", S::kActive, true,
             Security(3, "Sekretaris Dinas Kesehatan", q3));
  AddAccount(r, "dinkes", P::kFacebook, "DinkesSukamaju", "Dinas Kesehatan Kabupaten Sukamaju",
             "https://facebook.example/DinkesSukamaju", S::kActive, false,
             Security(2, "Sekretaris Dinas Kesehatan", q1));
  AddAccount(r, "dinkes", P::kTiktok, "@dinkessukamaju", "Dinkes Sukamaju",
             "https://tiktok.example/@dinkessukamaju", S::kPending, false, Security(0, "", 0));
  AddAccount(r, "pkm-tanjung-harapan", P::kInstagram, "@pkm.tanjungharapan",
             "Puskesmas Tanjung Harapan", "https://instagram.example/pkm.tanjungharapan",
             S::kActive, false, Security(1, "Kepala Tata Usaha Puskesmas", old));
  AddAccount(r, "disdik", P::kFacebook, "DisdikSukamaju", "Dinas Pendidikan Kabupaten Sukamaju",
             "https://facebook.example/DisdikSukamaju", S::kActive, false,
             Security(2, "Sekretaris Dinas Pendidikan", q1));
  AddAccount(r, "disdik", P::kInstagram, "@disdik.sukamaju", "Disdik Sukamaju",
             "https://instagram.example/disdik.sukamaju", S::kActive, false,
             Security(1, "Sekretaris Dinas Pendidikan", q1));
  AddAccount(r, "pupr", P::kFacebook, "DinasPUPRSukamaju", "Dinas PUPR Kabupaten Sukamaju",
             "https://facebook.example/DinasPUPRSukamaju", S::kActive, false,
             Security(2, "Kasubbag Umum Dinas PUPR", q1));
  AddAccount(r, "pupr", P::kInstagram, "@pupr.sukamaju", "PUPR Sukamaju",
             "https://instagram.example/pupr.sukamaju", S::kActive, false,
             Security(1, "Kasubbag Umum Dinas PUPR", old));
  AddAccount(r, "dishub", P::kX, "@dishub_sukamaju", "Dishub Sukamaju",
             "https://x.example/dishub_sukamaju", S::kInactive, false, Security(0, "", 0));
  AddAccount(r, "dishub", P::kInstagram, "@dishub.sukamaju", "Dinas Perhubungan Kab. Sukamaju",
             "https://instagram.example/dishub.sukamaju", S::kActive, false,
             Security(2, "Sekretaris Dinas Perhubungan", q1));
  AddAccount(r, "dinsos", P::kFacebook, "DinsosP3ASukamaju", "Dinsos P3A Kabupaten Sukamaju",
             "https://facebook.example/DinsosP3ASukamaju", S::kActive, false,
             Security(1, "Sekretaris Dinsos P3A", old));
  AddAccount(r, "disdukcapil", P::kInstagram, "@disdukcapil.sukamaju", "Disdukcapil Sukamaju",
             "https://instagram.example/disdukcapil.sukamaju", S::kActive, true,
             Security(3, "Sekretaris Disdukcapil", q3));
  AddAccount(r, "disdukcapil", P::kWhatsapp, "Layanan Adminduk Sukamaju (WA)",
             "Disdukcapil Sukamaju", "https://wa.example/628000217330", S::kPending, false,
             Security(1, "Sekretaris Disdukcapil", q1));
  AddAccount(r, "bpbd", P::kX, "@bpbd_sukamaju", "BPBD Kab. Sukamaju",
             "https://x.example/bpbd_sukamaju", S::kActive, false,
             Security(3, "Kepala Pelaksana BPBD", q3));
  AddAccount(r, "bpbd", P::kTelegram, "@siagabencanasukamaju", "Siaga Bencana Sukamaju",
             "https://t.example/siagabencanasukamaju", S::kActive, false,
             Security(2, "Kepala Pelaksana BPBD", q1));
  AddAccount(r, "rsud", P::kInstagram, "@rsud.sukamaju", "RSUD Sukamaju",
             "https://instagram.example/rsud.sukamaju", S::kActive, false,
             Security(2, "Kabag Tata Usaha RSUD", q1));
  AddAccount(r, "rsud", P::kFacebook, "RSUDSukamaju", "RSUD Sukamaju",
             "https://facebook.example/RSUDSukamaju", S::kActive, false,
             Security(1, "Kabag Tata Usaha RSUD", old));
  AddAccount(r, "rsud", P::kYoutube, "@rsudsukamaju", "RSUD Sukamaju Official",
             "https://youtube.example/@rsudsukamaju", S::kPending, false, Security(0, "", 0));
  AddAccount(r, "dlh", P::kInstagram, "@dlh.sukamaju", "DLH Kabupaten Sukamaju",
             "https://instagram.example/dlh.sukamaju", S::kSuspended, false, Security(0, "", old));
}

void AddAppointments(DemoRegion* r) {
  using R = AppointmentRole;
  const Sk kominfo26{"800.1.3/014/DISKOMINFO/2026", "2026-01-05", "2026-01-05", "2026-12-31"};
  const Sk kominfo25{"800.1.3/009/DISKOMINFO/2025", "2025-01-06", "2025-01-06", "2025-12-31"};
  const Sk dinkes26{"800.1.3/027/DINKES/2026", "2026-01-12", "2026-01-12", "2026-12-31"};
  const Sk dinkes25{"800.1.3/031/DINKES/2025", "2025-01-13", "2025-01-13", "2025-12-31"};
  const Sk setda{"100.3.3/112/SETDA/2025", "2025-03-03", "2025-03-03", ""};
  const Sk disdik{"800.1.3/045/DISDIK/2026", "2026-02-02", "2026-02-02", "2027-01-31"};
  const Sk pupr{"800.1.3/018/DPUPR/2024", "2024-02-01", "2024-02-01", "2025-01-31"};
  const Sk dishub{"800.1.3/052/DISHUB/2026", "2026-01-20", "2026-01-20", "2026-12-31"};
  const Sk dinsos{"800.1.3/021/DINSOS-P3A/2025", "2025-07-01", "2025-07-01", ""};
  const Sk capil{"800.1.3/066/DISDUKCAPIL/2026", "2026-01-08", "2026-01-08", "2026-12-31"};
  const Sk bpbd{"800.1.3/007/BPBD/2026", "2026-01-02", "2026-01-02", "2026-12-31"};
  const Sk rsud{"800.1.3/140/RSUD/2026", "2026-03-16", "2026-03-16", "2027-03-15"};
  const Sk dlh{"800.1.3/033/DLH/2025", "2025-01-15", "2025-01-15", "2025-12-31"};
  const Sk pkm{"800.1.3/012/PKM-TH/2026", "2027-01-04", "2027-01-04", "2027-12-31"};  // upcoming

  AddAppointment(r, "diskominfo", "koordinator", R::kPejabat, "Rudy Hartono, S.Kom., M.M.",
                 "197806122005011003", "Kepala Bidang Informasi dan Komunikasi Publik", kominfo26);
  AddAppointment(r, "diskominfo", "", R::kPetugas, "Nur Aisyah Putri, S.I.Kom.",
                 "199503182020122012", "Pranata Hubungan Masyarakat Ahli Pertama", kominfo26);
  AddAppointment(r, "diskominfo", "", R::kPetugas, "Muhammad Rizal Fahlevi, A.Md.", "",
                 "Pengelola Media Sosial (PPPK)", kominfo26);
  AddAppointment(r, "diskominfo", "", R::kPetugas, "Yohanes Lawing, S.Sos.", "199001072015031002",
                 "Pranata Hubungan Masyarakat Ahli Muda", kominfo25);
  AddAppointment(r, "dinkes", "pejabat.dinkes", R::kPejabat, "dr. Hj. Siti Rahmawati, M.Kes.",
                 "198103142008012007", "Sekretaris Dinas Kesehatan", dinkes26);
  AddAppointment(r, "dinkes", "petugas.dinkes", R::kPetugas, "Dian Permata Sari, S.KM.",
                 "199407222019032014", "Penyuluh Kesehatan Masyarakat Ahli Pertama", dinkes26);
  AddAppointment(r, "dinkes", "", R::kPejabat, "drg. Bambang Supriyadi, M.P.H.",
                 "197509301999031004", "Sekretaris Dinas Kesehatan (sebelumnya)", dinkes25, false);
  AddAppointment(r, "pkm-tanjung-harapan", "", R::kPetugas, "Fitri Handayani, A.Md.Kep.", "",
                 "Perawat, pengelola media sosial Puskesmas", pkm);
  AddAppointment(r, "setda", "", R::kPejabat, "Andi Muhammad Yusuf, S.STP., M.Si.",
                 "198611252005021001", "Kepala Bagian Protokol dan Komunikasi Pimpinan", setda);
  AddAppointment(r, "prokopim", "", R::kPetugas, "Agustinus Hang Lejau", "",
                 "Fotografer dan Videografer Pimpinan", setda);
  AddAppointment(r, "disdik", "", R::kPejabat, "Hj. Nurhayati, S.Pd., M.Pd.", "197702112003122005",
                 "Sekretaris Dinas Pendidikan", disdik);
  AddAppointment(r, "disdik", "", R::kPetugas, "Reza Pahlevi, S.Kom.", "199812032022031001",
                 "Pranata Komputer Ahli Pertama", disdik);
  AddAppointment(r, "pupr", "", R::kPejabat, "Ir. Sugeng Widodo, M.T.", "197104081998031006",
                 "Sekretaris Dinas PUPR", pupr);
  AddAppointment(r, "pupr", "", R::kPetugas, "Lina Marlina, S.T.", "", "Staf Subbagian Umum", pupr);
  AddAppointment(r, "dishub", "", R::kPejabat, "La Ode Syamsuddin, S.Sos., M.Si.",
                 "197903152006041008", "Sekretaris Dinas Perhubungan", dishub);
  AddAppointment(r, "dinsos", "", R::kPejabat, "Dra. Theresia Ping, M.Si.", "196912201995032003",
                 "Sekretaris Dinas Sosial P3A", dinsos);
  AddAppointment(r, "dinsos", "", R::kPetugas, "Syarifah Nurul Huda, S.Sos.", "",
                 "Pekerja Sosial Ahli Pertama", dinsos);
  AddAppointment(r, "disdukcapil", "", R::kPejabat, "H. Abdul Gafur, S.H., M.H.",
                 "197312121999031009", "Sekretaris Disdukcapil", capil);
  AddAppointment(r, "disdukcapil", "", R::kPetugas, "Wahyuni Kartika, A.Md.", "",
                 "Operator Layanan Adminduk Daring", capil);
  AddAppointment(r, "bpbd", "", R::kPejabat, "Daniel Ding, S.T., M.Si.", "198005052006041013",
                 "Kepala Bidang Kedaruratan dan Logistik", bpbd);
  AddAppointment(r, "bpbd", "", R::kPetugas, "Hendra Gunawan, A.Md.", "199206182019031007",
                 "Operator Pusdalops PB", bpbd);
  AddAppointment(r, "rsud", "", R::kPejabat, "dr. Ketut Arya Wiguna, Sp.PD.", "198208172010011011",
                 "Kepala Bagian Tata Usaha RSUD", rsud);
  AddAppointment(r, "rsud", "", R::kPetugas, "Maria Ulfa Hasibuan, S.I.Kom.", "",
                 "Staf Humas dan Pemasaran RSUD", rsud);
  AddAppointment(r, "dlh", "", R::kPejabat, "Ahmad Syahrani, S.Hut., M.Si.", "197807242005011006",
                 "Sekretaris Dinas Lingkungan Hidup", dlh);
}

void AddUsers(DemoRegion* r) {
  const auto user = [&](std::string username, std::string display, Role role,
                        std::string agency_code) {
    DemoUser u;
    u.email = username + "@" + std::string(kHost);
    u.username = std::move(username);
    u.display_name = std::move(display);
    u.roles.push_back(DemoRoleGrant{role, std::move(agency_code)});
    r->users.push_back(std::move(u));
  };
  user("admin", "Administrator Sistem (Diskominfo)", Role::kAdmin, "sukamaju");
  user("koordinator", "Rudy Hartono (Koordinator Diskominfo)", Role::kKoordinator, "sukamaju");
  user("pejabat.dinkes", "dr. Hj. Siti Rahmawati, M.Kes.", Role::kPejabat, "dinkes");
  user("petugas.dinkes", "Dian Permata Sari", Role::kPetugas, "dinkes");
  user("pimpinan", "H. Darmawan Saputra (Bupati Sukamaju)", Role::kPimpinan, "sukamaju");
}

void AddGeography(DemoRegion* r) {
  // Invented names in the style of the province; none is meant to be a real place.
  r->districts = {
      {"Tanjung Harapan",
       {"Kelurahan Teluk Sari", "Kelurahan Gunung Sari Indah", "Kelurahan Karang Mulia",
        "Kelurahan Sungai Bersih", "Desa Pulau Indah"}},
      {"Muara Jaya",
       {"Desa Muara Jaya", "Desa Sambung Rejo", "Desa Tanjung Makmur", "Desa Sumber Agung"}},
      {"Sungai Lungun",
       {"Desa Sungai Lungun", "Desa Long Pelita", "Desa Tepian Lestari", "Desa Lesan Baru"}},
      {"Batu Ampar",
       {"Desa Batu Ampar", "Desa Bumi Jaya Makmur", "Desa Purna Sari", "Desa Sido Mulyo"}},
      {"Pesisir Indah", {"Desa Teluk Semangka", "Desa Pegat Lestari", "Desa Pantai Harapan"}},
      {"Long Hulu", {"Desa Long Ayung", "Desa Long Sebatu", "Desa Tanjung Lapan"}},
      {"Gunung Tabuan", {"Desa Gunung Tabuan", "Desa Sido Bangun", "Desa Mekar Baru"}},
      {"Pesisir Timur", {"Desa Karangan Indah", "Desa Tabalar Jaya", "Desa Biatan Sari"}},
  };
  r->roads = {"Jl. Ahmad Yani",       "Jl. Pangeran Antasari",
              "Jl. Poros Muara Jaya", "Jl. Poros Sungai Lungun - Batu Ampar",
              "Jl. Cendana",          "Jl. Pemuda",
              "Jl. Durian II",        "Jl. Sultan Agung",
              "Jl. Gatot Subroto",    "Jl. Pramuka",
              "Jl. Diponegoro",       "Jl. Poros Pesisir Timur"};
  r->landmarks = {"Pasar Induk Sukamaju", "Terminal Tanjung Harapan", "Pelabuhan Muara Jaya",
                  "Taman Tepian Sungai",  "Alun-alun Sukamaju",       "Stadion Bumi Sukamaju",
                  "Mal Pelayanan Publik", "Bundaran Adipura",         "Jembatan Sambung Rejo",
                  "TPA Batu Ampar"};
}

}  // namespace

DemoRegion MakeDemoRegion() {
  DemoRegion r;
  r.name = "Kabupaten Sukamaju";
  r.province = "Kalimantan Timur";
  r.timezone = std::string(kTz);
  AddAgencies(&r);
  AddAccounts(&r);
  AddAppointments(&r);
  AddUsers(&r);
  AddGeography(&r);
  return r;
}

}  // namespace humas::demo

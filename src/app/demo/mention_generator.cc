// Template-and-slot generator of Indonesian demo mentions (see mention_generator.h).
#include "app/demo/mention_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <utility>

namespace humas::demo {
namespace {

//! What a template says, roughly the kinds of public input of the guideline. Used only to choose
//! platform, author and engagement; the mention's labels stay empty.
enum class Tone {
  kQuestion,    // pertanyaan
  kComplaint,   // keluhan
  kCriticism,   // kritik
  kSuggestion,  // saran
  kPraise,      // apresiasi
  kShare,       // a citizen passing on news or an announcement
  kHoax,        // an unverified, alarming claim
  kHeadline,    // a news portal's headline (formal)
};

struct Template {
  std::string_view group;  // agency code, or "puskesmas"/"kecamatan" for those units
  Tone tone;
  std::string_view text;
};

// Slots: {@} the agency's handle on the platform (or its short name), {ag} short name, {kec}
// kecamatan, {desa} village, {jl} road, {lm} landmark, {pkm} puskesmas, {sek} school, {n} 2-9,
// {nn} 10-60, {jam} a time, {hari} weekday, {bln} month, {tag} hashtag, {e-} {e+} {e?} emoji.
constexpr Template kTemplates[] = {
    // ---------------------------------------------------------------- region / Bupati
    {"sukamaju", Tone::kQuestion,
     "{@} kapan pengumuman hasil seleksi PPPK tahap 2? udah lewat jadwal tapi belum ada info {e?}"},
    {"sukamaju", Tone::kQuestion,
     "Pak Bupati, jadi tidak pembangunan jembatan penghubung {desa}? warga sudah nunggu dari tahun "
     "lalu {tag}"},
    {"sukamaju", Tone::kComplaint,
     "tunjangan guru honorer di {kec} belum cair {n} bulan, tolong {@} diperhatikan {e-}"},
    {"sukamaju", Tone::kCriticism,
     "Anggaran perjalanan dinas naik terus tapi jalan di {desa} masih tanah. Prioritasnya di mana "
     "{@}? {e-}"},
    {"sukamaju", Tone::kCriticism,
     "baliho pejabat di mana-mana, pelayanan tetap lambat. malu sama kabupaten tetangga {tag}"},
    {"sukamaju", Tone::kSuggestion,
     "Saran utk {@}: bikin aplikasi aduan satu pintu aja, jangan tiap dinas beda nomor WA"},
    {"sukamaju", Tone::kSuggestion,
     "{@} mohon adakan pasar murah lagi di {kec} menjelang {bln}, harga sembako naik terus"},
    {"sukamaju", Tone::kPraise,
     "Salut sama Pak Bupati yang turun langsung ke {desa} pas banjir kemarin {e+} {tag}"},
    {"sukamaju", Tone::kPraise,
     "Festival budaya di {lm} tadi malam keren banget, makin cinta Sukamaju {e+} {tag}"},
    {"sukamaju", Tone::kShare,
     "Jadwal car free day {lm} setiap Minggu jam 06.00-09.00 WITA ya guys, yuk olahraga {e+} "
     "{tag}"},
    {"sukamaju", Tone::kHoax,
     "BREAKING!! katanya semua honorer Pemkab Sukamaju diberhentikan bulan depan, sebarkan sebelum "
     "dihapus!!"},
    {"sukamaju", Tone::kHeadline, "Bupati Sukamaju Resmikan Jembatan Gantung di {desa}"},
    {"sukamaju", Tone::kHeadline, "Pemkab Sukamaju Raih Opini WTP Tujuh Kali Berturut-turut"},
    // ---------------------------------------------------------------- Setda / Prokopim
    {"setda", Tone::kQuestion,
     "{@} apel gabungan hari {hari} jam berapa ya? di {lm} atau di halaman kantor bupati?"},
    {"setda", Tone::kComplaint,
     "Urus rekomendasi ke Setda bolak-balik {n} kali, katanya pejabatnya dinas luar terus {e-}"},
    {"setda", Tone::kHeadline,
     "Sekda Sukamaju Pimpin Rapat Koordinasi Percepatan Penurunan Stunting"},
    {"prokopim", Tone::kShare,
     "Pak Bupati lagi kunjungan kerja di {kec} hari ini, warga antusias sambut rombongan {e+}"},
    {"prokopim", Tone::kPraise,
     "Dokumentasi kegiatan Bupati dari {@} selalu keren, fotonya jernih {e+}"},
    {"prokopim", Tone::kQuestion, "{@} link siaran langsung upacara HUT Kabupaten di mana ya min?"},
    {"prokopim", Tone::kHeadline,
     "Bupati Sukamaju Serahkan Bantuan Alat Tangkap kepada Nelayan {kec}"},
    // ---------------------------------------------------------------- Diskominfo
    {"diskominfo", Tone::kComplaint,
     "wifi gratis di {lm} mati lagi {e-} udah seminggu gak bisa konek {@}"},
    {"diskominfo", Tone::kComplaint,
     "Website resmi pemkab error terus, mau cek pengumuman CPNS gak bisa dibuka {@} {e-}"},
    {"diskominfo", Tone::kQuestion,
     "{@} sinyal di {desa} susah banget, ada rencana bangun BTS gak min? {e?}"},
    {"diskominfo", Tone::kSuggestion,
     "Mohon {@} rutin bikin klarifikasi hoaks tiap minggu, banyak grup WA keluarga nyebarin info "
     "palsu"},
    {"diskominfo", Tone::kPraise,
     "Makasih {@}, klarifikasi soal isu PDAM kemarin cepat banget {e+}"},
    {"diskominfo", Tone::kShare,
     "Info dari {@}: layanan aduan resmi Pemkab bisa lewat WA di nomor yang tercantum di website "
     "ya {tag}"},
    {"diskominfo", Tone::kHoax,
     "Pesan berantai: link pendaftaran bantuan kuota internet gratis dari Pemkab Sukamaju, isi "
     "data KTP di sini!! (benarkah?)"},
    {"diskominfo", Tone::kHeadline, "Diskominfo Sukamaju Perluas Titik Wifi Publik ke {nn} Desa"},
    // ---------------------------------------------------------------- Dinkes
    {"dinkes", Tone::kQuestion,
     "{@} min, kapan jadwal vaksin polio di {pkm}? anak saya belum dapat {e?}"},
    {"dinkes", Tone::kQuestion, "Mau tanya {@}, syarat pindah faskes BPJS ke {pkm} apa aja ya?"},
    {"dinkes", Tone::kQuestion, "posyandu di {desa} bulan ini tanggal berapa ya? {@}"},
    {"dinkes", Tone::kComplaint,
     "Kasus DBD di {desa} udah {n} orang tapi belum ada fogging sama sekali {@} {e-}"},
    {"dinkes", Tone::kComplaint,
     "obat di {pkm} sering kosong, disuruh beli sendiri di apotek. trus gunanya BPJS apa {e-}"},
    {"dinkes", Tone::kCriticism,
     "Program penurunan stunting cuma seremonial, di {desa} balita gizi kurang masih banyak {@}"},
    {"dinkes", Tone::kSuggestion,
     "Saran buat {@}, posyandu lansia di {kec} dibuka sore juga dong biar yang kerja bisa antar "
     "orang tua"},
    {"dinkes", Tone::kPraise, "Terima kasih {@}, pelayanan vaksinasi di {pkm} rapi & cepat {e+}"},
    {"dinkes", Tone::kShare,
     "Yang punya balita, imunisasi kejar di {pkm} hari {hari} jam {jam} WITA ya, gratis {e+}"},
    {"dinkes", Tone::kHoax,
     "VIRAL: vaksin campak dari puskesmas bikin anak lumpuh, jangan mau anaknya divaksin!! "
     "sebarkan"},
    {"dinkes", Tone::kHeadline, "Dinkes Sukamaju Gelar Imunisasi Polio Serentak di {nn} Puskesmas"},
    {"dinkes", Tone::kHeadline,
     "Kasus DBD di {kec} Meningkat, Dinkes Sukamaju Minta Warga Galakkan 3M Plus"},
    {"puskesmas", Tone::kQuestion,
     "{@} cek kesehatan gratis (CKG) di {pkm} perlu daftar online dulu gak?"},
    {"puskesmas", Tone::kComplaint,
     "antrian di {pkm} dari jam 7 pagi, dokternya baru datang jam 10 {e-}"},
    {"puskesmas", Tone::kComplaint,
     "Ambulans {pkm} susah dihubungi malam hari, tadi tetangga harus diantar pakai mobil pickup "
     "{e-}"},
    {"puskesmas", Tone::kPraise, "bidan di {pkm} ramah banget, sabar jelasin ke ibu-ibu {e+}"},
    {"puskesmas", Tone::kSuggestion,
     "{pkm} tolong tambah kursi di ruang tunggu, banyak lansia berdiri lama"},
    // ---------------------------------------------------------------- Disdik
    {"disdik", Tone::kQuestion,
     "{@} kapan pendaftaran SPMB SMP dibuka? zonasi untuk {desa} masuk ke sekolah mana ya?"},
    {"disdik", Tone::kQuestion,
     "Min {@}, beasiswa untuk siswa kurang mampu tahun ini ada lagi gak?"},
    {"disdik", Tone::kComplaint,
     "Atap kelas {sek} bocor, kalau hujan anak-anak belajar sambil pindah bangku {e-} {@}"},
    {"disdik", Tone::kComplaint,
     "Guru di {sek} cuma {n} orang untuk 6 kelas, tolong {@} tambah guru"},
    {"disdik", Tone::kCriticism,
     "Pungutan uang seragam di {sek} mahal banget, katanya sekolah gratis {@} {e-}"},
    {"disdik", Tone::kSuggestion,
     "Saran utk {@}: perbanyak pelatihan guru soal literasi digital, banyak yang masih gaptek"},
    {"disdik", Tone::kPraise,
     "Bangga sama siswa {sek} juara lomba sains tingkat provinsi {e+} {tag}"},
    {"disdik", Tone::kHeadline,
     "Disdik Sukamaju Salurkan Bantuan Seragam Gratis untuk {nn}00 Siswa Baru"},
    // ---------------------------------------------------------------- PUPR
    {"pupr", Tone::kComplaint, "Jalan di {jl} rusak parah udah {n} bulan gak diperbaiki {@} {e-}"},
    {"pupr", Tone::kComplaint,
     "{jl} depan {lm} berlubang besar, semalam ada pengendara motor jatuh {e-} {@}"},
    {"pupr", Tone::kComplaint,
     "Drainase di {desa} mampet, tiap hujan air masuk rumah warga {@} tolong dicek"},
    {"pupr", Tone::kCriticism,
     "Proyek jalan di {desa} baru {n} bulan sudah retak-retak, kualitasnya dipertanyakan {@}"},
    {"pupr", Tone::kQuestion,
     "{@} perbaikan jembatan di {desa} kapan selesai? warga harus memutar {nn} km"},
    {"pupr", Tone::kSuggestion,
     "Sebaiknya {@} pasang papan informasi proyek di {jl} biar warga tahu anggaran & target "
     "selesainya"},
    {"pupr", Tone::kPraise, "Akhirnya {jl} diaspal mulus, terima kasih {@} {e+} {tag}"},
    {"pupr", Tone::kHoax,
     "Katanya jembatan di {desa} retak dan mau roboh, jangan lewat dulu!! (foto dari grup WA)"},
    {"pupr", Tone::kHeadline, "Dinas PUPR Sukamaju Targetkan Peningkatan {jl} Rampung Akhir Tahun"},
    // ---------------------------------------------------------------- Dishub / PJU
    {"dishub", Tone::kComplaint, "Parkir liar di depan {lm} bikin macet tiap sore {@} {e-}"},
    {"dishub", Tone::kComplaint,
     "Lampu lalu lintas di simpang {jl} mati dari kemarin, rawan kecelakaan {@}"},
    {"dishub", Tone::kQuestion,
     "{@} jadwal kapal dari Pelabuhan Muara Jaya ke {kec} selama libur {bln} ada perubahan gak "
     "min?"},
    {"dishub", Tone::kSuggestion,
     "Mohon {@} tambah rambu hati-hati di sekitar {sek}, kendaraan suka ngebut"},
    {"dishub", Tone::kPraise,
     "Angkutan sekolah gratis dari {@} sangat membantu anak-anak di {desa} {e+}"},
    {"dishub", Tone::kHeadline, "Dishub Sukamaju Uji Coba Rekayasa Lalu Lintas di {jl}"},
    {"upt-pju", Tone::kComplaint,
     "lampu jalan di {jl} padam semua, gelap gulita & rawan begal {e-} {@}"},
    {"upt-pju", Tone::kQuestion, "{@} lapor lampu PJU mati di {desa} ke mana ya? udah {n} minggu"},
    {"upt-pju", Tone::kPraise, "Lampu jalan di {jl} udah nyala lagi, cepat tanggap {@} {e+}"},
    // ---------------------------------------------------------------- Dinsos
    {"dinsos", Tone::kQuestion,
     "Assalamualaikum {@}, syarat daftar PKH apa aja ya? ibu saya lansia belum dapat bantuan"},
    {"dinsos", Tone::kQuestion, "{@} bansos sembako bulan ini sudah cair belum di {kec}?"},
    {"dinsos", Tone::kComplaint,
     "Bantuan di {desa} tidak tepat sasaran, yang punya mobil dapat, yang miskin tidak {e-} {@}"},
    {"dinsos", Tone::kCriticism,
     "Data DTKS gak pernah diperbarui, tetangga yang sudah meninggal masih terdaftar {@}"},
    {"dinsos", Tone::kSuggestion,
     "Saran {@}: umumkan daftar penerima bansos per desa biar transparan"},
    {"dinsos", Tone::kPraise,
     "Terima kasih {@} sudah bantu korban kebakaran di {desa} dengan cepat {e+}"},
    {"dinsos", Tone::kHoax,
     "Ada pendaftaran bansos Rp 600 ribu lewat link ini, katanya dari Dinsos Sukamaju, isi NIK & "
     "nomor HP!!"},
    {"dinsos", Tone::kHeadline,
     "Dinsos P3A Sukamaju Salurkan Bantuan Permakanan untuk {nn}0 Lansia Terlantar"},
    // ---------------------------------------------------------------- Disdukcapil
    {"disdukcapil", Tone::kQuestion,
     "{@} cetak KTP-el bisa di kantor kecamatan {kec} atau harus ke MPP?"},
    {"disdukcapil", Tone::kQuestion,
     "Mau tanya {@}, urus akta kelahiran anak yang lahir di luar daerah syaratnya apa aja?"},
    {"disdukcapil", Tone::kComplaint,
     "Blanko KTP kosong lagi, udah {n} bulan pakai surat keterangan {@} {e-}"},
    {"disdukcapil", Tone::kComplaint,
     "Antri di Disdukcapil dari subuh, jam 10 nomor antrian sudah habis {e-}"},
    {"disdukcapil", Tone::kPraise,
     "urus KK di Mal Pelayanan Publik cuma 30 menit, mantap {@} {e+}"},
    {"disdukcapil", Tone::kSuggestion,
     "{@} tolong adakan jemput bola perekaman KTP ke {desa}, banyak lansia yang susah ke kota"},
    {"disdukcapil", Tone::kHeadline,
     "Disdukcapil Sukamaju Layani Perekaman KTP-el Jemput Bola di {kec}"},
    // ---------------------------------------------------------------- BPBD
    {"bpbd", Tone::kComplaint,
     "Banjir di {desa} setinggi lutut sejak subuh, belum ada petugas datang {@} {e-}"},
    {"bpbd", Tone::kQuestion,
     "{@} posko pengungsian banjir {kec} di mana ya? ada yang butuh bantuan evakuasi"},
    {"bpbd", Tone::kShare,
     "Waspada! Debit air Sungai Lungun naik, warga bantaran di {desa} diminta siaga {e-} {tag}"},
    {"bpbd", Tone::kShare,
     "Info {@}: hujan lebat disertai angin kencang diperkirakan malam ini di wilayah {kec}, tetap "
     "waspada"},
    {"bpbd", Tone::kPraise, "Tim BPBD gerak cepat evakuasi warga {desa}, terima kasih {@} {e+}"},
    {"bpbd", Tone::kHoax,
     "KATANYA akan ada gempa besar malam ini di Sukamaju, semua warga diminta mengungsi!! (info "
     "dari grup sebelah)"},
    {"bpbd", Tone::kHeadline, "BPBD Sukamaju Tetapkan Status Siaga Banjir untuk {kec}"},
    // ---------------------------------------------------------------- RSUD
    {"rsud", Tone::kComplaint,
     "Pelayanan IGD RSUD Sukamaju lambat, keluarga saya nunggu {n} jam belum ditangani {e-} {@}"},
    {"rsud", Tone::kComplaint,
     "parkiran RSUD penuh terus, pengantar pasien harus parkir di {jl} {@}"},
    {"rsud", Tone::kQuestion, "{@} jadwal dokter spesialis anak hari {hari} ada gak ya?"},
    {"rsud", Tone::kCriticism,
     "Perawat di bangsal kelas 3 kurang ramah, mohon {@} evaluasi pelayanan"},
    {"rsud", Tone::kPraise,
     "Alhamdulillah operasi ayah lancar, dokter & perawat RSUD Sukamaju luar biasa {e+} {@}"},
    {"rsud", Tone::kSuggestion,
     "Saran utk {@}: antrian online poli tolong dibuat lewat WA biar gak numpuk pagi-pagi"},
    {"rsud", Tone::kHeadline, "RSUD Sukamaju Tambah {n} Tempat Tidur ICU"},
    // ---------------------------------------------------------------- DLH / TPA
    {"dlh", Tone::kComplaint,
     "Sampah di {lm} numpuk {n} hari gak diangkut, baunya kemana-mana {@} {e-}"},
    {"dlh", Tone::kComplaint,
     "Sungai di {desa} berubah warna, diduga limbah perusahaan. Tolong {@} turun cek {e-}"},
    {"dlh", Tone::kSuggestion,
     "{@} bank sampah di tiap kelurahan bagus tuh, tolong didukung & diperbanyak"},
    {"dlh", Tone::kPraise,
     "Apresiasi buat petugas kebersihan {@}, {jl} sekarang bersih tiap pagi {e+}"},
    {"dlh", Tone::kHoax,
     "air PDAM di {kec} tercemar limbah kimia, jangan diminum dulu!! belum ada konfirmasi resmi"},
    {"dlh", Tone::kHeadline,
     "DLH Sukamaju Ajak Warga Kurangi Sampah Plastik Lewat Gerakan Bawa Tumbler"},
    {"upt-tpa", Tone::kComplaint, "Truk sampah ke TPA Batu Ampar sering tumpah di {jl} {e-} {@}"},
    {"upt-tpa", Tone::kComplaint,
     "Asap pembakaran di TPA Batu Ampar sampai ke {desa}, anak-anak batuk terus {@}"},
    {"upt-tpa", Tone::kQuestion,
     "{@} warga boleh buang sampah langsung ke TPA gak? jam operasionalnya kapan?"},
    // ---------------------------------------------------------------- Kecamatan offices
    {"kecamatan", Tone::kQuestion,
     "Kantor Kecamatan {kecu} buka jam berapa hari {hari}? mau urus surat pindah"},
    {"kecamatan", Tone::kComplaint,
     "Urus surat keterangan di Kecamatan {kecu} lama, petugasnya sering gak di tempat {e-}"},
    {"kecamatan", Tone::kPraise,
     "Pak Camat {kecu} ikut kerja bakti bareng warga {desa} {e+} {tag}"},
    {"kecamatan", Tone::kShare,
     "Musrenbang Kecamatan {kecu} hari {hari} jam {jam} WITA, warga diundang menyampaikan usulan"},
    {"kecamatan", Tone::kSuggestion,
     "Usul buat Kecamatan {kecu}: lapangan di {desa} tolong diperbaiki buat anak muda olahraga"},
};

//! Copy-paste campaigns: one text that many accounts post within hours, with small edits (slots
//! are filled once per campaign). The near-duplicate detector of the intake flags them.
constexpr Template kCampaigns[] = {
    {"pupr", Tone::kCriticism,
     "Kami warga {desa} menuntut perbaikan {jl} sekarang juga! Sudah bertahun-tahun rusak, jangan "
     "tunggu ada korban jiwa. #PerbaikiJalanKami"},
    {"sukamaju", Tone::kCriticism,
     "Tolak rencana kenaikan tarif air bersih! Warga Sukamaju sudah susah, jangan dibebani lagi. "
     "#TolakKenaikanTarif"},
    {"disdik", Tone::kCriticism,
     "Guru honorer Sukamaju butuh kepastian, bukan janji. Angkat kami jadi PPPK tahun ini! "
     "#HonorerSukamajuBersatu"},
    {"dinsos", Tone::kComplaint,
     "Bantuan sosial harus tepat sasaran! Data penerima di {desa} banyak yang salah, mohon "
     "diverifikasi ulang oleh {@} #BansosTepatSasaran"},
    {"dinkes", Tone::kComplaint,
     "Kami butuh dokter tetap di {pkm}, bukan dokter yang datang seminggu sekali. Kesehatan warga "
     "{kec} juga penting! #DokterUntukDesa"},
    {"sukamaju", Tone::kPraise,
     "Selamat ulang tahun Kabupaten Sukamaju! Terus maju, makin sejahtera, warganya makin bahagia "
     "dan rukun. #HUTSukamaju"},
    {"dishub", Tone::kCriticism,
     "Stop pungli parkir di {lm}! Tarif resmi dua ribu tapi ditarik lima ribu setiap hari, tolong "
     "{@} tertibkan. #StopPungliParkir"},
    {"bpbd", Tone::kHoax,
     "PERINGATAN: bendungan di {kec} dikabarkan jebol malam ini, segera mengungsi ke tempat tinggi "
     "dan sebarkan ke semua grup!!"},
};

//! Edits people make to a campaign text before posting it again.
constexpr std::string_view kCampaignPrefixes[] = {"Setuju! ", "Ikut bersuara: ", "RT ", "Sepakat. ",
                                                  "Bantu sebar: "};
constexpr std::string_view kCampaignSuffixes[] = {" {@}",      " {tag}", " {e-}",
                                                  " setuju!!", " {e+}",  " #SukamajuBersuara"};

//! A personal detail a citizen adds to a post (slots as in kTemplates), so that two posts from
//! one template rarely read alike.
constexpr std::string_view kContexts[] = {
    "saya tinggal di {desa} dekat {lm}",
    "kemarin hari {hari} saya lihat sendiri",
    "sudah {n} kali lapor tapi belum ada kabar",
    "anak saya sekolah di {sek}",
    "ini keluhan tetangga-tetangga kami juga",
    "rumah ibu saya di {jl}",
    "dari bulan {bln} lalu begini terus",
    "mohon maaf kalau salah tempat bertanya",
    "tadi pagi jam {jam} masih sama saja",
    "sudah saya foto, kalau perlu bisa saya kirim",
    "kami warga RT {n} {desa} sudah rapat soal ini",
    "suami saya kerja di {kec} dan tiap hari lewat situ",
    "baru pulang dari {lm} tadi",
    "bukan sekali dua kali, sudah {nn} hari",
    "semoga bapak ibu pejabat membaca ini",
    "saya orang tua murid di {kec}",
    "ibu-ibu pengajian juga membahas ini kemarin",
    "infonya dari grup WA warga {desa}",
    "saya pedagang kecil di pasar {kec}",
    "tetangga saya sampai sakit gara-gara ini",
    "padahal pajak selalu kami bayar tepat waktu",
    "sudah ramai dibahas di grup Facebook {kec}",
    "kebetulan saya ketua RT di {desa}",
    "kemarin hujan deras dari sore sampai malam",
    "di rumah kami ada lansia dan balita",
    "jaraknya sekitar {n} km dari rumah saya",
    "sampai jam {jam} pun masih ramai orang",
    "saya sudah datang ke kantornya hari {hari}",
    "teman saya di {desa} juga mengalami hal yang sama",
    "saya ojek online jadi tiap hari keliling {kec}",
    "mohon jangan dihapus komentar saya",
    "dulu waktu kecil saya sekolah di {sek}",
    "semoga tahun ini ada perubahan",
    "saya perantau yang baru pulang kampung ke {desa}",
    "kami sekeluarga sudah lama menunggu",
    "petugas di lapangan sebenarnya ramah",
    "tahun lalu juga sempat dijanjikan",
    "warga sekitar {lm} pasti tahu",
    "anak-anak muda {desa} siap bantu kalau dibutuhkan",
    "saya guru ngaji di {desa}",
};

//! Words people swap for others of the same meaning (applied before the slang pass).
struct Synonym {
  std::string_view word;
  std::array<std::string_view, 3> alts;
};
constexpr Synonym kSynonyms[] = {
    {"mohon", {"tolong", "minta", "harap"}},
    {"rusak", {"hancur", "jelek", "ancur"}},
    {"parah", {"berat", "sekali", "banget"}},
    {"warga", {"masyarakat", "penduduk", "kami"}},
    {"segera", {"cepat", "secepatnya", "langsung"}},
    {"belum", {"masih belum", "tak kunjung", "blm"}},
    {"banyak", {"sejumlah", "cukup banyak", "byk"}},
    {"sangat", {"amat", "sungguh", "benar-benar"}},
    {"lambat", {"lelet", "lama", "telat"}},
    {"kapan", {"kira-kira kapan", "bila", "kapan kira-kira"}},
    {"tolong", {"mohon", "minta tolong", "harap"}},
    {"sudah", {"telah", "udah", "sdh"}},
    {"lagi", {"kembali", "lg", "lagi-lagi"}},
    {"terus", {"melulu", "terus-terusan", "selalu"}},
    {"bikin", {"membuat", "buat", "menjadikan"}},
    {"gak", {"tidak", "nggak", "ndak"}},
    {"tidak", {"tak", "gak", "nggak"}},
    {"di", {"di", "di daerah", "di sekitar"}},
    {"info", {"informasi", "kabar", "berita"}},
    {"pak", {"bapak", "pak", "bpk"}},
    {"min", {"admin", "mimin", "kak"}},
    {"dong", {"ya", "deh", "lah"}},
    {"ada", {"terdapat", "masih ada", "ada lagi"}},
    {"yang", {"yg", "yang mana", "yang"}},
    {"ke", {"menuju", "ke arah", "ke"}},
    {"dari", {"sejak", "mulai", "dr"}},
    {"kami", {"kita", "kami semua", "kami warga"}},
    {"saya", {"aku", "sy", "saya pribadi"}},
    {"anak", {"buah hati", "bocah", "si kecil"}},
    {"pagi", {"pagi-pagi", "subuh", "pagi hari"}},
    {"malam", {"malam-malam", "tengah malam", "malam hari"}},
    {"hari", {"harinya", "hari ini", "hr"}},
    {"masih", {"tetap", "msh", "masih saja"}},
    {"tiap", {"setiap", "saban", "tiap-tiap"}},
    {"semua", {"seluruh", "semuanya", "sekalian"}},
    {"baru", {"barusan", "baru saja", "br"}},
    {"tahun", {"thn", "tahunan", "tahun ini"}},
    {"bulan", {"bln", "bulanan", "bulan ini"}},
    {"katanya", {"kabarnya", "konon", "denger-denger"}},
    {"tadi", {"barusan", "tadi sekali", "td"}},
    {"susah", {"sulit", "repot", "payah"}},
    {"cepat", {"sigap", "kilat", "gercep"}},
    {"dan", {"serta", "sama", "dan juga"}},
    {"untuk", {"buat", "bagi", "guna"}},
    {"jadi", {"sehingga", "makanya", "jd"}},
};

//! Little words people drop between others as they type.
constexpr std::string_view kFillers[] = {"sih", "tuh", "lho", "deh", "ya",   "nih",
                                         "pun", "kok", "kan", "loh", "pula", "memang"};

//! Replies to an earlier mention ({p} = its author).
constexpr std::string_view kReplies[] = {
    "setuju banget sama {p}",
    "bener tuh, di {desa} juga sama {e-}",
    "{p} sudah coba lapor lewat WA aduan belum?",
    "ikut nyimak min {e?}",
    "sama, saya juga ngalamin minggu lalu",
    "wah baru tahu, terima kasih infonya {p}",
    "itu hoaks, jangan percaya dulu sebelum ada info resmi dari {@}",
    "{@} tolong dijawab dong min",
    "mantap, semoga cepat ditindaklanjuti {e+}",
    "kok gak ada respon ya dari {@}?",
    "udah diperbaiki belum sih? saya lewat kemarin masih sama",
    "{p} sumbernya dari mana kak?",
    "kami warga {kec} juga butuh perhatian yang sama",
    "tolong jangan cuma janji {@}",
    "sudah saya share ke grup RT {e+}",
    "hahaha klasik {e-}",
    "sabar, katanya minggu depan dikerjakan",
    "info valid nih, saya lihat sendiri tadi pagi",
};

//! An official account answering a citizen ({p}).
constexpr std::string_view kOfficialReplies[] = {
    "Selamat pagi {p}, terima kasih atas informasinya. Laporan sudah kami teruskan ke bidang "
    "terkait untuk ditindaklanjuti {e?}",
    "Halo kak {p}, mohon kirim lokasi lengkap melalui pesan langsung agar tim kami bisa segera "
    "mengecek. Terima kasih",
    "{p} terima kasih atas apresiasinya, kami akan terus meningkatkan pelayanan {e+}",
    "Mohon maaf atas ketidaknyamanannya {p}. Petugas kami dijadwalkan turun ke lokasi hari ini",
    "Informasi tersebut tidak benar (hoaks). Silakan cek klarifikasi resmi di website pemkab. "
    "Terima kasih {p}",
};

//! What a citizen writes when sharing an earlier mention.
constexpr std::string_view kShareComments[] = {
    "Mohon perhatian {@} {e-}",
    "Ini perlu diviralkan biar cepat ditangani",
    "Info penting, bagikan ke keluarga",
    "Benar gak nih? {@} tolong klarifikasi",
    "Akhirnya ada yang berani ngomong",
    "Bagikan ya, biar semua tahu {e+}",
    "Sedih lihatnya {e-}",
    "{@} ditunggu tindak lanjutnya",
};

constexpr std::string_view kFirstNames[] = {
    "Andi",    "Budi",  "Dewi",   "Siti",    "Rina",   "Ahmad",   "Muhammad", "Nur",
    "Agus",    "Eko",   "Fitri",  "Indah",   "Rizky",  "Bayu",    "Putri",    "Ayu",
    "Dimas",   "Yusuf", "Hendra", "Rahmat",  "Wahyu",  "Sri",     "Lestari",  "Dian",
    "Yohanes", "Maria", "Ketut",  "Made",    "Hasan",  "Fajar",   "Nurul",    "Aisyah",
    "Ilham",   "Galih", "Reza",   "Fauzi",   "Irfan",  "Yuliana", "Krisna",   "Bella",
    "Asri",    "Hamid", "Dayang", "Syamsul", "Rosita", "Nanda",   "Lukas",    "Intan",
};
constexpr std::string_view kLastNames[] = {
    "Saputra",   "Pratama",   "Lestari",     "Wulandari", "Hidayat",   "Santoso",   "Setiawan",
    "Kurniawan", "Ramadhan",  "Nugroho",     "Rahman",    "Hasibuan",  "Siregar",   "Lawing",
    "Sari",      "Anggraini", "Permata",     "Wijaya",    "Gunawan",   "Syahputra", "Maulana",
    "Hakim",     "Pangestu",  "Simanjuntak", "Ladjo",     "Paembonan", "Daeng",     "Rusdi",
};
//! Pseudonymous citizen accounts.
constexpr std::string_view kNicknames[] = {
    "wargasukamaju",    "anakmudasukamaju", "emakemak_sukamaju", "ojolsukamaju",
    "si_paling_kritis", "netizen_pesisir",  "pejuang_subuh",     "anak_rantau_smj",
    "kopi_pagi_smj",    "bapak2_ronda",     "mahasiswa_kritis",  "pemuda_long_hulu",
};
//! Local news/info accounts (handle, name, news host).
struct NewsOutlet {
  std::string_view handle, name, host;
};
constexpr NewsOutlet kNews[] = {
    {"infosukamaju24", "Info Sukamaju 24", "infosukamaju24.example"},
    {"sukamaju.viral", "Sukamaju Viral", "sukamajuviral.example"},
    {"sukamajutoday", "Sukamaju Today", "sukamajutoday.example"},
    {"wartapesisir", "Warta Pesisir", "wartapesisir.example"},
    {"tepiansungai_news", "Tepian Sungai News", "tepiansungai.example"},
};

constexpr std::string_view kNegEmoji[] = {"😡", "😤", "😢", "🙄", "😞", "🤦", "😠", "💔"};
constexpr std::string_view kPosEmoji[] = {"👍", "🙏", "😊", "❤️", "👏", "🔥", "💪", "😍"};
constexpr std::string_view kAskEmoji[] = {"🙏", "🤔", "🙏🙏", "😅", ""};
constexpr std::string_view kHashtags[] = {"#Sukamaju",      "#SukamajuMembangun", "#InfoSukamaju",
                                          "#SukamajuHebat", "#KabarSukamaju",     "#WargaSukamaju"};
constexpr std::string_view kDays[] = {"Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"};
constexpr std::string_view kMonths[] = {"Januari",   "Februari", "Maret",    "April",
                                        "Mei",       "Juni",     "Juli",     "Agustus",
                                        "September", "Oktober",  "November", "Desember"};
constexpr std::string_view kTimes[] = {"08.00", "08.30", "09.00", "13.00", "14.00", "16.00"};
constexpr std::string_view kGreetings[] = {"Assalamualaikum, ", "Permisi min, ", "Halo min, ",
                                           "Selamat pagi, ",    "Min, ",         "Mau tanya, ",
                                           "Maaf ganggu, "};
constexpr std::string_view kAskClosings[] = {" mohon infonya", " makasih min", " 🙏",
                                             " ditunggu jawabannya", "??"};
constexpr std::string_view kComplaintClosings[] = {
    " tolong ya", "!!", " gimana ini?", "...", " mohon ditindaklanjuti", " capek deh"};

//! Formal word → colloquial spellings; applied word by word with a per-mention intensity.
struct Slang {
  std::string_view word;
  std::array<std::string_view, 3> forms;
};
constexpr Slang kSlang[] = {
    {"yang", {"yg", "yg", "yang"}},
    {"tidak", {"gak", "ga", "nggak"}},
    {"gak", {"ga", "gk", "nggak"}},
    {"sudah", {"udh", "udah", "sdh"}},
    {"udah", {"udh", "udh", "dah"}},
    {"banget", {"bgt", "bngt", "bgt"}},
    {"untuk", {"utk", "buat", "utk"}},
    {"tapi", {"tp", "tpi", "tp"}},
    {"belum", {"blm", "blom", "blum"}},
    {"dengan", {"dgn", "sama", "dg"}},
    {"kalau", {"klo", "kalo", "kl"}},
    {"saja", {"aja", "aja", "aj"}},
    {"bagaimana", {"gimana", "gmn", "gmana"}},
    {"terima", {"trima", "terima", "trma"}},
    {"admin", {"min", "mimin", "min"}},
    {"sekali", {"bgt", "skali", "sekali"}},
    {"sama", {"sm", "sama", "sm"}},
    {"karena", {"krn", "karna", "soalnya"}},
    {"juga", {"jg", "juga", "jga"}},
    {"orang", {"org", "org", "orang"}},
    {"tolong", {"tlg", "tolong", "tlong"}},
    {"bisa", {"bs", "bisa", "bisa"}},
    {"jam", {"jm", "jam", "jam"}},
    {"lagi", {"lg", "lagi", "lg"}},
    {"gimana", {"gmn", "gimana", "gmana"}},
    {"kenapa", {"knp", "napa", "kenapa"}},
    {"semoga", {"smoga", "semoga", "moga"}},
};

template <typename T, std::size_t N>
constexpr std::size_t Size(const T (&)[N]) {
  return N;
}

std::uint64_t Mix(std::uint64_t z) {  // splitmix64 finaliser: a bijection on 64-bit values
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t Fnv1a(std::string_view s) {  // stable across platforms, unlike std::hash
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return h;
}

std::string Pad(std::uint64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

std::string Base62(std::uint64_t v, int width) {
  static constexpr char kDigits[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string s;
  for (int i = 0; i < width; ++i) {
    s += kDigits[v % 62];
    v /= 62;
  }
  return s;
}

std::string Slug(std::string_view text) {
  std::string s;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum)
      s += c;
    else if (!s.empty() && s.back() != '-')
      s += '-';
    if (s.size() >= 70) break;
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  std::size_t pos = 0;
  while ((pos = s->find(from, pos)) != std::string::npos) {
    s->replace(pos, from.size(), to);
    pos += to.size();
  }
}

bool IsOfficialActive(const DemoAccount& a) { return a.account.status == AccountStatus::kActive; }

std::string GroupOf(std::string_view code) {
  if (code.rfind("pkm-", 0) == 0) return "puskesmas";
  if (code.rfind("kec-", 0) == 0) return "kecamatan";
  return std::string(code);
}

}  // namespace

MentionGenerator::MentionGenerator(std::uint64_t seed, const DemoRegion& region) : region_(region) {
  std::uint64_t s = seed;
  for (auto& word : state_) {
    s += 0x9e3779b97f4a7c15ULL;
    word = Mix(s);
  }
  id_prefix_ = Mix(seed ^ 0x5eed5eed5eed5eedULL) % 100000;

  // Agencies weighted by how much the public talks about them; units and the region less.
  for (const DemoAgency& a : region_.agencies) {
    const std::string group = GroupOf(a.agency.code);
    const bool has_templates = std::any_of(std::begin(kTemplates), std::end(kTemplates),
                                           [&](const Template& t) { return t.group == group; });
    if (!has_templates) continue;
    int weight = a.agency.kind == AgencyKind::kUnit ? 2 : 5;
    const std::string_view c = a.agency.code;
    if (c == "pupr" || c == "dinkes" || c == "rsud" || c == "disdukcapil") weight = 9;
    agency_codes_.insert(agency_codes_.end(), weight, a.agency.code);
  }

  // Authors: a seed-dependent mix of named people and pseudonymous accounts. Earlier entries are
  // picked more often (see PickAuthor), so some authors recur.
  for (int i = 0; i < 220; ++i) {
    Author a;
    if (i % 9 == 8) {
      a.base = std::string(kNicknames[Uniform(Size(kNicknames))]);
      if (Chance(0.5)) a.base += std::to_string(Uniform(100));
      a.name = a.base;
    } else {
      const std::string first(kFirstNames[Uniform(Size(kFirstNames))]);
      const std::string last(kLastNames[Uniform(Size(kLastNames))]);
      a.name = Chance(0.8) ? first + " " + last : first;
      std::string lf = first, ll = last;
      std::transform(lf.begin(), lf.end(), lf.begin(), ::tolower);
      std::transform(ll.begin(), ll.end(), ll.begin(), ::tolower);
      switch (Uniform(4)) {
        case 0:
          a.base = lf + "." + ll;
          break;
        case 1:
          a.base = lf + ll + std::to_string(Uniform(100));
          break;
        case 2:
          a.base = lf + "_" + ll.substr(0, 3);
          break;
        default:
          a.base = lf + "." + ll + "." + std::to_string(70 + Uniform(30));
          break;
      }
    }
    authors_.push_back(std::move(a));
  }
  // Distinct handles: suffix repeats with their index.
  for (std::size_t i = 0; i < authors_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (authors_[j].base == authors_[i].base) {
        authors_[i].base += "_" + std::to_string(i);
        break;
      }
  // Habits and audiences: a few prolific posters with large followings, many who mostly reply
  // or reshare, the rest mixed. Followers are Pareto-distributed (most accounts are small).
  for (Author& a : authors_) {
    const double h = Unit();
    a.habit = h < 0.12   ? Habit::kPoster
              : h < 0.42 ? Habit::kReplier
              : h < 0.62 ? Habit::kSharer
                         : Habit::kMixed;
    const double u = std::max(Unit(), 1e-9);
    double followers = std::min(2e5, 40.0 * std::pow(u, -1.0 / 1.1));
    if (a.habit == Habit::kPoster) followers *= 6.0;
    a.followers = static_cast<std::int64_t>(followers);
  }
  for (const NewsOutlet& n : kNews) {
    Author a;
    a.base = std::string(n.handle);
    a.name = std::string(n.name);
    a.news = true;
    a.habit = Habit::kPoster;
    a.followers = 15'000 + static_cast<std::int64_t>(Uniform(120'000));
    authors_.push_back(std::move(a));
  }
}

std::uint64_t MentionGenerator::Rand() {  // xoshiro256**
  const auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::uint64_t MentionGenerator::Uniform(std::uint64_t n) { return n == 0 ? 0 : Rand() % n; }

double MentionGenerator::Unit() { return static_cast<double>(Rand() >> 11) * 0x1.0p-53; }

const MentionGenerator::Author& MentionGenerator::PickAuthorWithHabit(Habit habit) {
  const Author* a = &PickAuthor(false);
  if (!Chance(0.8)) return *a;
  for (int tries = 0; tries < 12 && a->habit != habit; ++tries) a = &PickAuthor(false);
  return *a;
}

void MentionGenerator::Followers(MentionInput* m, std::int64_t followers) const {
  switch (m->platform) {
    case Platform::kWhatsapp:
    case Platform::kRss:
    case Platform::kWebsite:
    case Platform::kOther:
      return;  // chats and feeds report no audience
    default:
      m->author_followers = followers;
  }
}

Platform MentionGenerator::PickPlatform() {
  // Rough share of public conversation about a regency by platform.
  static constexpr std::pair<Platform, int> kWeights[] = {
      {Platform::kFacebook, 28}, {Platform::kX, 20},      {Platform::kInstagram, 20},
      {Platform::kTiktok, 10},   {Platform::kYoutube, 6}, {Platform::kWhatsapp, 7},
      {Platform::kTelegram, 5},  {Platform::kRss, 4},
  };
  int total = 0;
  for (const auto& [p, w] : kWeights) total += w;
  int r = static_cast<int>(Uniform(total));
  for (const auto& [p, w] : kWeights) {
    if (r < w) return p;
    r -= w;
  }
  return Platform::kFacebook;
}

const MentionGenerator::Author& MentionGenerator::PickAuthor(bool news) {
  const std::size_t people = authors_.size() - Size(kNews);
  if (news) return authors_[people + Uniform(Size(kNews))];
  const double u = Unit();
  return authors_[static_cast<std::size_t>(u * u * static_cast<double>(people))];
}

std::string MentionGenerator::HandleFor(const Author& a, Platform p) const {
  std::string base = a.base;
  switch (p) {
    case Platform::kX:
    case Platform::kTelegram:
      std::replace(base.begin(), base.end(), '.', '_');
      return p == Platform::kX ? "@" + base : base;
    case Platform::kTiktok:
    case Platform::kYoutube:
      return "@" + base;
    case Platform::kWhatsapp: {
      // 62800… is not a mobile number range, so no real person is addressed.
      return "62800" + Pad(Mix(Fnv1a(a.base)) % 10000000, 7);
    }
    default:
      return base;
  }
}

std::string MentionGenerator::ExternalId(Platform p) {
  const std::uint64_t seq = seq_;
  const std::uint64_t scrambled = Mix(seq ^ (id_prefix_ << 40));
  switch (p) {
    case Platform::kX:
      return "18" + Pad(id_prefix_, 5) + Pad(seq, 12);
    case Platform::kTiktok:
      return "73" + Pad(id_prefix_, 5) + Pad(seq, 12);
    case Platform::kFacebook:
      return "1029" + Pad(id_prefix_, 5) + "_" + std::to_string(5'500'000'000ULL + seq);
    case Platform::kInstagram:
      return "179" + Pad(id_prefix_, 5) + Pad(seq, 9);
    case Platform::kYoutube:
      return "Ugz" + Base62(scrambled, 11) + "4AaABAg";
    case Platform::kTelegram:
      return "-100" + Pad(id_prefix_, 5) + "21013:" + std::to_string(seq + 1);
    case Platform::kWhatsapp:
      return "wamid.HBgM" + Base62(scrambled, 11) + "FQIAEhgW";
    default:
      return Pad(id_prefix_, 5) + "-" + std::to_string(seq);
  }
}

std::string MentionGenerator::UrlFor(Platform p, const std::string& handle, const std::string& id) {
  std::string h = handle;
  if (!h.empty() && h[0] == '@') h.erase(0, 1);
  switch (p) {
    case Platform::kX:
      return "https://x.example/" + h + "/status/" + id;
    case Platform::kFacebook:
      return "https://facebook.example/" + id;
    case Platform::kInstagram:
      return "https://instagram.example/p/" + Base62(Mix(Rand()), 11) + "/";
    case Platform::kTiktok:
      return "https://tiktok.example/@" + h + "/video/" + id;
    case Platform::kYoutube:
      return "https://youtube.example/watch?v=" + Base62(Mix(Rand()), 11) + "&lc=" + id;
    case Platform::kTelegram: {
      const std::size_t colon = id.find(':');
      return "https://t.example/c/" + id.substr(4, colon - 4) + "/" + id.substr(colon + 1);
    }
    default:
      return "";
  }
}

std::string MentionGenerator::AgencyHandle(const std::string& agency_code, Platform p) const {
  // The agency's own account on this platform, else its parent's, else the region's.
  std::string code = agency_code;
  for (int depth = 0; depth < 3 && !code.empty(); ++depth) {
    for (const DemoAccount& a : region_.accounts) {
      if (a.agency_code != code || a.account.platform != p || !IsOfficialActive(a)) continue;
      const std::string& h = a.account.handle;
      if (p == Platform::kFacebook) return "@" + h;
      if (!h.empty() && h[0] == '@') return h;
    }
    std::string parent;
    for (const DemoAgency& ag : region_.agencies)
      if (ag.agency.code == code) parent = ag.parent_code;
    code = parent;
  }
  for (const DemoAgency& ag : region_.agencies)
    if (ag.agency.code == agency_code) return ag.agency.short_name;
  return "Pemkab";
}

std::string MentionGenerator::Fill(const std::string& tmpl, const std::string& agency_code,
                                   Platform p) {
  const DemoAgency* agency = nullptr;
  for (const DemoAgency& a : region_.agencies)
    if (a.agency.code == agency_code) agency = &a;
  const DemoDistrict& district = Pick(region_.districts);

  std::string out;
  out.reserve(tmpl.size() + 64);
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      out += tmpl[i];
      continue;
    }
    const std::size_t close = tmpl.find('}', i);
    const std::string_view slot = std::string_view(tmpl).substr(i + 1, close - i - 1);
    i = close;
    if (slot == "@") {
      out += AgencyHandle(agency_code, p);
    } else if (slot == "ag") {
      out += agency ? agency->agency.short_name : "Pemkab";
    } else if (slot == "kec") {
      out += district.name;
    } else if (slot == "desa") {
      out += Pick(district.villages);
    } else if (slot == "kecu") {
      // A kecamatan office speaks for its own kecamatan.
      if (agency != nullptr && agency->agency.name.rfind("Kecamatan ", 0) == 0)
        out += agency->agency.name.substr(10);
      else
        out += district.name;
    } else if (slot == "jl") {
      out += Pick(region_.roads);
    } else if (slot == "lm") {
      out += Pick(region_.landmarks);
    } else if (slot == "pkm") {
      if (agency != nullptr && agency_code.rfind("pkm-", 0) == 0) {
        out += agency->agency.short_name;
      } else {
        std::vector<const DemoAgency*> pkms;
        for (const DemoAgency& a : region_.agencies)
          if (a.agency.code.rfind("pkm-", 0) == 0) pkms.push_back(&a);
        out += pkms.empty() ? "puskesmas " + district.name : Pick(pkms)->agency.short_name;
      }
    } else if (slot == "sek") {
      static constexpr std::string_view kKinds[] = {"SDN", "SDN", "SMPN", "SMAN", "SMKN"};
      const std::string_view k = kKinds[Uniform(Size(kKinds))];
      out += std::string(k) + " " + std::to_string(1 + Uniform(k == "SDN" ? 40 : 8));
      if (Chance(0.5)) out += " " + district.name;
    } else if (slot == "n") {
      out += std::to_string(2 + Uniform(8));
    } else if (slot == "nn") {
      out += std::to_string(10 + Uniform(51));
    } else if (slot == "jam") {
      out += kTimes[Uniform(Size(kTimes))];
    } else if (slot == "hari") {
      out += kDays[Uniform(Size(kDays))];
    } else if (slot == "bln") {
      out += kMonths[Uniform(Size(kMonths))];
    } else if (slot == "tag") {
      out += kHashtags[Uniform(Size(kHashtags))];
    } else if (slot == "e-") {
      out += kNegEmoji[Uniform(Size(kNegEmoji))];
    } else if (slot == "e+") {
      out += kPosEmoji[Uniform(Size(kPosEmoji))];
    } else if (slot == "e?") {
      out += kAskEmoji[Uniform(Size(kAskEmoji))];
    } else {
      out += "{" + std::string(slot) + "}";  // unknown slot: visible in review, never silent
    }
  }
  // Tidy spaces left by empty emoji.
  ReplaceAll(&out, "  ", " ");
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string MentionGenerator::Vary(std::string text, double p, const std::string& agency_code,
                                   Platform platform) {
  // Same-meaning words, each with probability p (lower-case words only: names stay).
  std::string out;
  out.reserve(text.size() + 32);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && text[j] >= 'a' && text[j] <= 'z') ++j;
    if (j == i) {
      out += text[i++];
      continue;
    }
    const std::string_view word(text.data() + i, j - i);
    const bool inside = (i > 0 && ((text[i - 1] >= 'A' && text[i - 1] <= 'Z') ||
                                   text[i - 1] == '@' || text[i - 1] == '#' || text[i - 1] == '.' ||
                                   text[i - 1] == '_' || text[i - 1] == '-')) ||
                        (j < text.size() && (text[j] == '.' || text[j] == '_' || text[j] == '-'));
    bool swapped = false;
    if (!inside) {
      for (const Synonym& syn : kSynonyms) {
        if (syn.word == word && Chance(p)) {
          out += syn.alts[Uniform(syn.alts.size())];
          swapped = true;
          break;
        }
      }
    }
    if (!swapped) out += word;
    i = j;
    const bool function_word = word == "di" || word == "ke" || word == "dari" || word == "yang" ||
                               word == "untuk" || word == "dan" || word == "sama";
    if (!inside && !function_word && i < text.size() && text[i] == ' ' && Chance(p / 6)) {
      out += ' ';
      out += kFillers[Uniform(Size(kFillers))];
    }
  }
  // A personal detail or two, before or after what the template says.
  const double u = Unit();
  const int details = u < 0.2 ? 0 : (u < 0.75 ? 1 : 2);
  for (int k = 0; k < details; ++k) {
    std::string detail =
        Fill(std::string(kContexts[Uniform(Size(kContexts))]), agency_code, platform);
    if (Chance(0.5)) {
      detail[0] = static_cast<char>(detail[0] - 'a' + 'A');
      out = detail + ". " + out;
    } else {
      out += Chance(0.5) ? ", " + detail : ". " + detail;
    }
  }
  return out;
}

std::string MentionGenerator::CampaignCopy(Platform platform) {
  std::string text = campaign_text_;
  const double u = Unit();
  if (u < 0.4) return text;  // pasted as is
  if (u < 0.65)
    return text + Fill(std::string(kCampaignSuffixes[Uniform(Size(kCampaignSuffixes))]),
                       campaign_agency_, platform);
  if (u < 0.85) return std::string(kCampaignPrefixes[Uniform(Size(kCampaignPrefixes))]) + text;
  // Retyped: a word or two swapped, no personal detail.
  for (const Synonym& syn : kSynonyms) {
    const std::string w = " " + std::string(syn.word) + " ";
    const std::size_t at = text.find(w);
    if (at != std::string::npos && Chance(0.5)) {
      text.replace(at, w.size(), " " + std::string(syn.alts[Uniform(syn.alts.size())]) + " ");
      break;
    }
  }
  return text;
}

std::string MentionGenerator::Colloquial(std::string text) {
  // Intensity: 0 = as written, 1 = some slang, 2 = heavy slang and lower case.
  const double u = Unit();
  const int level = u < 0.3 ? 0 : (u < 0.75 ? 1 : 2);
  if (level == 0) return text;
  const double p = level == 1 ? 0.4 : 0.85;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (!is_letter(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_letter(text[j])) ++j;
    const bool after_at = i > 0 && (text[i - 1] == '@' || text[i - 1] == '#' ||
                                    text[i - 1] == '.' || text[i - 1] == '_');
    const bool before_handle = j < text.size() && (text[j] == '.' || text[j] == '_');
    std::string word = text.substr(i, j - i);
    std::string lower = word;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    bool replaced = false;
    if (!after_at && !before_handle) {
      for (const Slang& s : kSlang) {
        if (s.word == lower && Chance(p)) {
          out += s.forms[Uniform(s.forms.size())];
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      if (level == 2 && !after_at && !before_handle) word = lower;
      out += word;
    }
    i = j;
  }
  // Stretched words, as typed in anger or delight.
  if (level == 2 && Chance(0.3)) {
    for (std::string_view w : {"parah", "lama", "banget", "bgt", "mantap", "tolong"}) {
      const std::size_t pos = out.find(w);
      if (pos != std::string::npos) {
        out.insert(pos + w.size(), std::string(2 + Uniform(3), w.back()));
        break;
      }
    }
  }
  return out;
}

void MentionGenerator::Engagement(MentionInput* m, double virality) {
  if (m->platform == Platform::kWhatsapp) return;  // private messages have no public counters
  // Pareto-distributed likes: most posts get a handful, a few get thousands.
  const double u = std::max(Unit(), 1e-9);
  const double likes = std::min(2e5, virality * (std::pow(u, -1.0 / 1.15) - 1.0) * 3.0);
  m->likes = static_cast<std::int64_t>(likes);
  m->replies = static_cast<std::int64_t>(likes * (0.05 + 0.25 * Unit()));
  m->shares = static_cast<std::int64_t>(likes * (0.02 + 0.3 * Unit()) * virality);
}

MentionInput MentionGenerator::Next(UnixMillis now) {
  MentionInput m;
  int tone = -1;
  int depth = 0;
  std::shared_ptr<int> cascade;  // the parent's cascade size, when this is a reply or share
  m.created_at = now - static_cast<UnixMillis>(Uniform(120'000));
  Platform platform = PickPlatform();

  // Replies and shares of an earlier mention on the same platform. Preferential attachment (what
  // already spreads draws more) damped by depth, and cascades stop growing at a size, as real
  // ones die out.
  constexpr int kMaxDepth = 6;
  constexpr int kMaxCascade = 250;
  const auto weight = [](const Recent& p) -> std::uint64_t {
    if (p.depth >= kMaxDepth || (p.cascade_size && *p.cascade_size >= kMaxCascade)) return 0;
    return (1 + 4 * static_cast<std::uint64_t>(p.children)) * (p.depth == 0   ? 4
                                                               : p.depth == 1 ? 2
                                                                              : 1);
  };
  std::vector<std::size_t> parents;
  if (platform != Platform::kWhatsapp && platform != Platform::kRss)
    for (std::size_t i = 0; i < recent_.size(); ++i)
      if (recent_[i].platform == platform && weight(recent_[i]) > 0) parents.push_back(i);
  const double r = Unit();
  const bool as_reply = !parents.empty() && r < 0.18;
  const bool as_share = !parents.empty() && !as_reply && r < 0.26 &&
                        platform != Platform::kInstagram && platform != Platform::kYoutube;

  m.platform = platform;
  m.external_id = ExternalId(platform);
  if (as_reply || as_share) {
    std::uint64_t total = 0;
    for (std::size_t i : parents) total += weight(recent_[i]);
    std::uint64_t pick = Uniform(total);
    std::size_t chosen = parents.back();
    for (std::size_t i : parents) {
      const std::uint64_t w = weight(recent_[i]);
      if (pick < w) {
        chosen = i;
        break;
      }
      pick -= w;
    }
    ++recent_[chosen].children;
    if (!recent_[chosen].cascade_size) recent_[chosen].cascade_size = std::make_shared<int>(1);
    ++*recent_[chosen].cascade_size;
    const Recent parent = recent_[chosen];
    depth = parent.depth + 1;
    cascade = parent.cascade_size;
    m.agency_code = parent.agency_code;
    const std::string official = AgencyHandle(parent.agency_code, platform);
    std::string text;
    const Author* author = nullptr;
    const bool by_official = as_reply && !official.empty() && official[0] == '@' &&
                             platform != Platform::kFacebook && Chance(0.2);
    if (as_reply) {
      m.in_reply_to = parent.external_id;
      const bool comment_platform = platform == Platform::kFacebook ||
                                    platform == Platform::kInstagram ||
                                    platform == Platform::kYoutube || platform == Platform::kTiktok;
      m.kind = comment_platform ? MentionKind::kComment : MentionKind::kReply;
      if (by_official) {
        // Index into kOfficialReplies by what the parent said.
        std::size_t k = Uniform(2) == 0 ? 0 : (Uniform(2) == 0 ? 1 : 3);
        if (parent.tone == static_cast<int>(Tone::kPraise)) k = 2;
        if (parent.tone == static_cast<int>(Tone::kHoax)) k = 4;
        text = std::string(kOfficialReplies[k]);
      } else {
        text = std::string(kReplies[Uniform(Size(kReplies))]);
      }
    } else {
      m.shared_from = parent.external_id;
      m.kind = MentionKind::kShare;
      text = std::string(kShareComments[Uniform(Size(kShareComments))]);
    }
    if (by_official) {
      m.author_handle = official;
      for (const DemoAccount& a : region_.accounts)
        if (a.account.platform == platform && a.account.handle == official)
          m.author_name = a.account.display_name;
    } else {
      author = &PickAuthorWithHabit(as_reply ? Habit::kReplier : Habit::kSharer);
      m.author_handle = HandleFor(*author, platform);
      m.author_name = author->name;
      Followers(&m, author->followers);
    }
    if (by_official) Followers(&m, 8'000 + static_cast<std::int64_t>(Uniform(40'000)));
    std::string tag = parent.author_handle;  // how the parent's author is tagged in a reply
    if (!tag.empty() && tag[0] != '@') tag.insert(0, "@");
    ReplaceAll(&text, "{p}", tag);
    text = Fill(text, m.agency_code, platform);
    m.text = by_official ? text : Colloquial(Vary(std::move(text), 0.6, m.agency_code, platform));
    m.url = UrlFor(platform, m.author_handle, m.external_id);
    Engagement(&m, as_share ? 1.5 : 0.3);
  } else if (platform != Platform::kRss && platform != Platform::kWhatsapp &&
             (campaign_left_ > 0 ? Chance(0.25) : Chance(0.004))) {
    // A copy-paste campaign: the first post of a new one, or one more copy of the running one.
    if (campaign_left_ == 0) {
      const Template& c = kCampaigns[Uniform(Size(kCampaigns))];
      campaign_agency_ = std::string(c.group);
      campaign_tone_ = static_cast<int>(c.tone);
      campaign_text_ = Fill(std::string(c.text), campaign_agency_, platform);
      campaign_left_ = 15 + static_cast<int>(Uniform(40));
      m.text = campaign_text_;
    } else {
      --campaign_left_;
      m.text = CampaignCopy(platform);
    }
    tone = campaign_tone_;
    m.agency_code = campaign_agency_;
    const Author& author = PickAuthorWithHabit(Habit::kPoster);
    m.author_name = author.name;
    m.author_handle = HandleFor(author, platform);
    m.url = UrlFor(platform, m.author_handle, m.external_id);
    Followers(&m, author.followers);
    Engagement(&m, 1.5);
  } else {
    m.agency_code = Pick(agency_codes_);
    const std::string group = GroupOf(m.agency_code);
    std::vector<const Template*> pool;
    for (const Template& t : kTemplates) {
      if (t.group != group) continue;
      // News portals write headlines; WhatsApp carries questions and complaints to the agency.
      const bool headline = t.tone == Tone::kHeadline;
      if (platform == Platform::kRss && !headline) continue;
      if (platform == Platform::kWhatsapp && t.tone != Tone::kQuestion &&
          t.tone != Tone::kComplaint && t.tone != Tone::kSuggestion)
        continue;
      if (platform != Platform::kRss && headline && platform != Platform::kFacebook &&
          platform != Platform::kX)
        continue;
      pool.push_back(&t);
    }
    if (pool.empty()) {  // e.g. WhatsApp for a group with only headlines: fall back to Facebook
      platform = m.platform = Platform::kFacebook;
      m.external_id = ExternalId(platform);
      for (const Template& t : kTemplates)
        if (t.group == group) pool.push_back(&t);
    }
    const Template& t = *Pick(pool);
    tone = static_cast<int>(t.tone);
    const bool news = t.tone == Tone::kHeadline || (t.tone == Tone::kShare && Chance(0.3)) ||
                      (t.tone == Tone::kHoax && Chance(0.4));
    const Author& author = news ? PickAuthor(true) : PickAuthorWithHabit(Habit::kPoster);
    m.author_name = author.name;
    Followers(&m, author.followers);
    std::string tmpl(t.text);
    if (platform == Platform::kWhatsapp) ReplaceAll(&tmpl, "{@} ", "");  // a chat needs no tag
    std::string text = Fill(tmpl, m.agency_code, platform);
    if (t.tone == Tone::kHeadline) {
      if (platform == Platform::kRss) {
        const NewsOutlet* outlet = &kNews[0];
        for (const NewsOutlet& n : kNews)
          if (n.handle == author.base) outlet = &n;
        m.author_handle = std::string(outlet->host);
        int y;
        unsigned mo, d;
        CivilFromDays(m.created_at / 86'400'000, &y, &mo, &d);
        m.url = "https://" + std::string(outlet->host) + "/" + std::to_string(y) + "/" +
                Pad(mo, 2) + "/" + Pad(d, 2) + "/" + Slug(text) + "-" + Pad(id_prefix_, 5) +
                std::to_string(seq_);
        m.external_id = m.url;
      } else {
        m.author_handle = HandleFor(author, platform);
        m.url = UrlFor(platform, m.author_handle, m.external_id);
        std::string_view host = kNews[0].host;
        for (const NewsOutlet& n : kNews)
          if (n.handle == author.base) host = n.host;
        text += Chance(0.5) ? ". Baca selengkapnya di " + std::string(host)
                            : " " + std::string(kHashtags[Uniform(Size(kHashtags))]);
      }
      m.text = text;
    } else {
      m.author_handle = HandleFor(author, platform);
      m.url = UrlFor(platform, m.author_handle, m.external_id);
      if (platform == Platform::kWhatsapp) m.kind = MentionKind::kMessage;
      if ((t.tone == Tone::kQuestion || t.tone == Tone::kComplaint) && Chance(0.25)) {
        if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z' && text.rfind("RSUD", 0) != 0)
          text[0] = static_cast<char>(text[0] - 'A' + 'a');
        std::string_view greeting = kGreetings[Uniform(Size(kGreetings))];
        if (greeting.find("min") != std::string_view::npos &&
            text.find(" min") != std::string::npos)
          greeting = kGreetings[0];
        text = std::string(greeting) + text;
      }
      if (text.find('#') == std::string::npos && Chance(0.25)) {
        if (t.tone == Tone::kQuestion)
          text += kAskClosings[Uniform(Size(kAskClosings))];
        else if (t.tone == Tone::kComplaint || t.tone == Tone::kCriticism)
          text += kComplaintClosings[Uniform(Size(kComplaintClosings))];
      }
      text = Colloquial(Vary(std::move(text), 0.6, m.agency_code, platform));
      if (t.tone == Tone::kHoax && Chance(0.3)) {
        std::transform(text.begin(), text.end(), text.begin(), [](char c) {
          return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
        });
      }
      m.text = std::move(text);
    }
    double virality = 1.0;
    if (t.tone == Tone::kHoax) virality = 6.0;
    if (t.tone == Tone::kComplaint || t.tone == Tone::kCriticism) virality = 2.0;
    if (author.news) virality *= 3.0;
    Engagement(&m, virality);
  }

  recent_.push_back(Recent{m.platform, m.external_id, m.author_handle, m.agency_code, m.kind, tone,
                           0, depth, std::move(cascade)});
  if (recent_.size() > 300) recent_.pop_front();
  ++seq_;
  return m;
}

}  // namespace humas::demo

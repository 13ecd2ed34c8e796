// The demo region: a fictional regency ("Kabupaten Sukamaju", Kalimantan Timur, WITA) with its
// agencies, official accounts, decrees (SK) and one login per role, as plain data for seeding an
// empty database. Every host name ends in ".example" so nothing real is pointed at.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace humas::demo {

//! The password of every demo user (printed by the app when it seeds the demo). At least 10
//! characters, as the API requires.
inline constexpr std::string_view kDemoPassword = "sukamaju-demo-2025";

//! An agency and the code of its parent ("" for the region). agency.id and agency.parent_id are
//! left unset: the seeder assigns ids and resolves parent_code.
struct DemoAgency {
  Agency agency;
  std::string parent_code;
};

//! An official account; account.agency_id is unset, agency_code says whose it is.
struct DemoAccount {
  std::string agency_code;
  Account account;
};

//! An appointment by decree; appointment.agency_id/user_id are unset. username names the demo
//! user who is this person ("" when the person has no login).
struct DemoAppointment {
  std::string agency_code;
  std::string username;
  Appointment appointment;
};

struct DemoRoleGrant {
  Role role = Role::kPetugas;
  std::string agency_code;
};

//! A demo login; the password is kDemoPassword.
struct DemoUser {
  std::string username;
  std::string display_name;
  std::string email;
  std::vector<DemoRoleGrant> roles;
};

//! A kecamatan (district) with its desa/kelurahan (villages), for realistic mention text.
struct DemoDistrict {
  std::string name;                   //!< e.g. "Tanjung Harapan"
  std::vector<std::string> villages;  //!< e.g. "Desa Sungai Lungun", "Kelurahan Teluk Sari"
};

struct DemoRegion {
  std::string name;      //!< "Kabupaten Sukamaju"
  std::string province;  //!< "Kalimantan Timur"
  std::string timezone;  //!< "Asia/Makassar" (WITA)
  //! Parents come before their children; agencies[0] is the region.
  std::vector<DemoAgency> agencies;
  std::vector<DemoAccount> accounts;
  std::vector<DemoAppointment> appointments;
  std::vector<DemoUser> users;  //!< one per role: admin, koordinator, pejabat, petugas, pimpinan
  std::vector<DemoDistrict> districts;
  std::vector<std::string> roads;      //!< e.g. "Jl. Poros Muara Jaya"
  std::vector<std::string> landmarks;  //!< e.g. "Pasar Induk Sanggam", "Terminal Tanjung Harapan"
};

//! Builds the demo region. Pure and deterministic: the same data on every call, no clock, no
//! files, no network. Codes, handles and usernames are unique; every account's agency_code and
//! every agency's parent_code names an agency in the list.
DemoRegion MakeDemoRegion();

}  // namespace humas::demo

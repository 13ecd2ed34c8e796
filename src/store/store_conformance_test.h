// The backend-neutral conformance suite of store.h: each backend instantiates it with a factory
// (see sqlite/sqlite_conformance_test.cc). Tests must not assume anything about the backend.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"

namespace humas::store {

struct StoreFactory {
  std::string name;  //!< test-name suffix, e.g. "Sqlite"
  //! Returns a fresh, empty, migrated store (nullptr on failure, reported by the fixture).
  std::function<std::unique_ptr<Store>()> make;
};

//! Test names print the backend, not the bytes of the factory.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

class StoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().make();
    ASSERT_NE(store_, nullptr) << "backend " << GetParam().name << " failed to open";
  }
  Store& store() { return *store_; }

  std::unique_ptr<Store> store_;
};

//! Shared by the conformance test files: asserts that a Status is OK, printing it otherwise.
#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::humas::Status& s_ = (expr);                     \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)

//! The backends the suite runs against. Defined once per test binary by the backend's test
//! file (e.g. sqlite/sqlite_conformance_test.cc returns the SQLite factory); the suites are
//! instantiated over it in store_conformance_test.cc.
std::vector<StoreFactory> StoreBackends();

}  // namespace humas::store

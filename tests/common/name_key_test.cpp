#include "common/name_key.hpp"

#include <gtest/gtest.h>

namespace {

TEST(NameKeyTest, FoldsAsciiLettersOnly) {
    EXPECT_EQ(course::name_key("Alice"), "alice");
    EXPECT_EQ(course::name_key("ALICE"), course::name_key("alice"));
    EXPECT_EQ(course::name_key("Bob_2.0-X"), "bob_2.0-x");
    EXPECT_EQ(course::name_key(""), "");
    // Only A-Z: the bytes around them, and non-ASCII bytes, stay as they are.
    EXPECT_EQ(course::name_key("@[`{"), "@[`{");
    EXPECT_EQ(course::name_key("\xc3\x89t\xc3\xa9"), "\xc3\x89t\xc3\xa9");
}

}  // namespace

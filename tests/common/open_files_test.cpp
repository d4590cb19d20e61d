// A server's connection cap: what --max-connections asked, or what the open-file limit allows.
#include "common/open_files.hpp"

#include <gtest/gtest.h>

namespace {

TEST(OpenFilesTest, MaxConnectionsForKeeps32DescriptorsForTheServerItself) {
    EXPECT_EQ(course::max_connections_for(1024), 992u);
    EXPECT_EQ(course::max_connections_for(1'048'576), 1'048'544u);
    EXPECT_EQ(course::max_connections_for(40), 32u) << "up to 64 files: 32 connections, the floor";
}

TEST(OpenFilesTest, ConnectionCapIsWhatWasAskedOrWhatTheRaisedLimitAllows) {
    EXPECT_EQ(course::connection_cap(5), 5u);
    const std::size_t files = course::raise_open_file_limit();  // raised already: the same again
    EXPECT_EQ(course::connection_cap(0), course::max_connections_for(files));
}

}  // namespace

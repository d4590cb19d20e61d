#include "common/line_splitter.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace {

using course::LineEvent;
using course::LineSplitter;

// Pushes `bytes` in pieces of `piece` bytes and collects every event: lines as themselves,
// over-long lines as "<too long>".
std::vector<std::string> split(LineSplitter& splitter, std::string_view bytes, std::size_t piece) {
    std::vector<std::string> events;
    for (std::size_t i = 0; i < bytes.size(); i += piece) {
        splitter.push(bytes.substr(i, piece));
        while (auto event = splitter.pop()) {
            events.push_back(event->kind == LineEvent::Kind::line ? event->text : "<too long>");
        }
    }
    return events;
}

std::vector<std::string> split(std::string_view bytes, std::size_t piece, std::size_t max = 100) {
    LineSplitter splitter(max);
    return split(splitter, bytes, piece);
}

using Lines = std::vector<std::string>;

TEST(LineSplitterTest, SeveralLinesInOneRead) {
    EXPECT_EQ(split("one\ntwo\nthree\n", 1000), (Lines{"one", "two", "three"}));
}

TEST(LineSplitterTest, OneLineAcrossManyReads) {
    EXPECT_EQ(split("hello, world\n", 1), (Lines{"hello, world"}));
}

TEST(LineSplitterTest, IncompleteLineWaitsForItsEnd) {
    LineSplitter splitter(100);
    splitter.push("partial");
    EXPECT_FALSE(splitter.pop());
    EXPECT_EQ(splitter.pending_bytes(), 7u);
    splitter.push(" line\nnext");
    auto event = splitter.pop();
    ASSERT_TRUE(event);
    EXPECT_EQ(event->text, "partial line");
    EXPECT_FALSE(splitter.pop());
    EXPECT_EQ(splitter.pending_bytes(), 4u);
}

TEST(LineSplitterTest, CarriageReturnBeforeNewlineIsRemoved) {
    EXPECT_EQ(split("telnet\r\nstyle\r\n", 3), (Lines{"telnet", "style"}));
}

TEST(LineSplitterTest, LoneCarriageReturnIsKept) { EXPECT_EQ(split("a\rb\n", 1), (Lines{"a\rb"})); }

TEST(LineSplitterTest, EmptyLinesAreLines) { EXPECT_EQ(split("\n\nx\n", 1), (Lines{"", "", "x"})); }

TEST(LineSplitterTest, NulBytesAreOrdinaryBytes) {
    const std::string with_nul("a\0b\n", 4);
    EXPECT_EQ(split(with_nul, 2), (Lines{std::string("a\0b", 3)}));
}

TEST(LineSplitterTest, LineOfExactlyTheLimitIsAccepted) {
    const std::string line(10, 'x');
    EXPECT_EQ(split(line + "\n", 1, 10), (Lines{line}));
    EXPECT_EQ(split(line + "\r\n", 1, 10), (Lines{line}));
    EXPECT_EQ(split(line + "\r\n", 100, 10), (Lines{line}));
}

TEST(LineSplitterTest, LineOverTheLimitIsReportedOnceAndSkipped) {
    const std::string input = std::string(11, 'x') + "\nafter\n";
    for (std::size_t piece : {1u, 3u, 5u, 100u}) {
        EXPECT_EQ(split(input, piece, 10), (Lines{"<too long>", "after"})) << "piece " << piece;
    }
}

TEST(LineSplitterTest, HugeLineKeepsMemoryBounded) {
    LineSplitter splitter(64);
    int too_long = 0;
    for (int i = 0; i < 1000; ++i) {
        splitter.push(std::string(1000, 'y'));
        while (auto event = splitter.pop()) too_long += event->kind == LineEvent::Kind::too_long;
        EXPECT_LE(splitter.pending_bytes(), 1000u + 65u);
    }
    splitter.push("z\nok\n");
    std::vector<std::string> lines;
    while (auto event = splitter.pop()) lines.push_back(event->text);
    EXPECT_EQ(too_long, 1);
    EXPECT_EQ(lines, (Lines{"ok"}));
}

TEST(LineSplitterTest, RandomChunkingGivesTheSameLines) {
    std::mt19937 random(42);
    std::string input;
    Lines expected;
    for (int i = 0; i < 200; ++i) {
        std::string line(random() % 40, 'a' + static_cast<char>(i % 26));
        input += line + "\n";
        expected.push_back(line);
    }
    for (int round = 0; round < 50; ++round) {
        LineSplitter splitter(100);
        Lines got;
        for (std::size_t i = 0; i < input.size();) {
            const std::size_t n = 1 + random() % 30;
            splitter.push(std::string_view(input).substr(i, n));
            i += n;
            while (auto event = splitter.pop()) got.push_back(event->text);
        }
        ASSERT_EQ(got, expected) << "round " << round;
    }
}

}  // namespace

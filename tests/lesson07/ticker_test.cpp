// The built-in feed's lines: plausible, consistent and the same for the same seed.
#include "ticker.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

namespace {

// "EURUSD 1.08423 +0.00012" -> the price and the change in units of the last decimal.
struct Line {
    std::string symbol;
    long long price = 0;
    long long change = 0;
    std::size_t decimals = 0;
};

Line parse(const std::string& text) {
    static const std::regex shape(R"(([A-Z]{6}) (\d+)\.(\d+) ([+-])(\d+)\.(\d+))");
    std::smatch m;
    EXPECT_TRUE(std::regex_match(text, m, shape)) << text;
    if (m.empty()) return {};
    Line line;
    line.symbol = m[1];
    line.decimals = m[3].length();
    EXPECT_EQ(m[6].length(), line.decimals) << "price and change with the same decimals: " << text;
    line.price = std::stoll(m[2].str() + m[3].str());
    line.change = std::stoll(m[5].str() + m[6].str()) * (m[4] == "-" ? -1 : 1);
    return line;
}

TEST(FeedTickerTest, PriceWalkIsTheSameForTheSameSeed) {
    lesson07::PriceWalk a(7), b(7), c(8);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
        const std::string line = a.next();
        EXPECT_EQ(line, b.next());
        differs = differs || line != c.next();
    }
    EXPECT_TRUE(differs) << "another seed gives another feed";
}

TEST(FeedTickerTest, EachChangeIsTheDifferenceFromTheSymbolsLastPrice) {
    lesson07::PriceWalk walk;
    std::map<std::string, Line> last;
    for (int i = 0; i < 1000; ++i) {
        const Line line = parse(walk.next());
        ASSERT_FALSE(line.symbol.empty());
        EXPECT_GT(line.price, 0);
        EXPECT_LE(std::abs(line.change), 15);
        EXPECT_EQ(line.decimals, line.symbol == "USDJPY" ? 3u : 5u) << line.symbol;
        if (const auto it = last.find(line.symbol); it != last.end()) {
            EXPECT_EQ(line.price, it->second.price + line.change) << line.symbol << " at line " << i;
        }
        last[line.symbol] = line;
    }
    EXPECT_EQ(last.size(), 5u) << "every symbol moves";
}

}  // namespace

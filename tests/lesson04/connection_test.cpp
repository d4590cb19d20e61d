// ws::Connection: message assembly, control frames, the closing handshake and the close code
// of every protocol violation, fed whole, one byte at a time, and in random pieces.

#include "ws_test_helpers.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace std::literals;
using namespace lesson04::testing;
using ws::Opcode;
using Strings = std::vector<std::string>;

ws::Connection server(std::size_t max_message = 1 << 20) {
    return ws::Connection(ws::Role::server, ws::ConnectionOptions{max_message});
}

// Feeds the same bytes whole, byte by byte and in random pieces: the events must not change.
Strings feed_every_way(std::string_view bytes, std::size_t max_message = 1 << 20) {
    auto whole = server(max_message);
    const Strings expected = feed(whole, bytes);
    auto bytewise = server(max_message);
    EXPECT_EQ(feed(bytewise, bytes, 1), expected) << "fed one byte at a time";
    EXPECT_EQ(take_output(bytewise), take_output(whole));
    std::mt19937 rng(7);
    auto random = server(max_message);
    Strings events;
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t n = std::min<std::size_t>(1 + rng() % 40, bytes.size() - at);
        std::string_view piece = bytes.substr(at, n);
        while (const ws::Event event = random.receive(piece)) events.push_back(describe(event));
        at += n;
    }
    EXPECT_EQ(events, expected) << "fed in random pieces";
    return expected;
}

TEST(ConnectionTest, DeliversTextAndBinaryMessages) {
    const std::string all_bytes = [] {
        std::string s;
        for (int i = 0; i < 256; ++i) s += static_cast<char>(i);
        return s;
    }();
    EXPECT_EQ(feed_every_way(client_text("Hello") + frame(Opcode::binary, all_bytes) + client_text("")),
              (Strings{"text:Hello", "binary:" + all_bytes, "text:"}));
}

TEST(ConnectionTest, EchoFromTheServerIsUnmaskedAndExact) {
    auto conn = server();
    feed(conn, client_text("Hello"));
    EXPECT_TRUE(conn.send_text("Hello"));
    EXPECT_EQ(take_output(conn), "\x81\x05Hello"s);  // RFC 6455 5.7
    EXPECT_FALSE(conn.has_output());
}

TEST(ConnectionTest, AssemblesFragmentsWithControlFramesBetweenThem) {  // RFC 6455 5.4
    const std::string bytes = frame(Opcode::text, "Hel", false) + frame(Opcode::ping, "p1") +
                              frame(Opcode::continuation, "lo, ", false) +
                              frame(Opcode::pong, "unsolicited") + frame(Opcode::continuation, "world", true);
    EXPECT_EQ(feed_every_way(bytes), (Strings{"ping:p1", "pong:unsolicited", "text:Hello, world"}));
}

TEST(ConnectionTest, PingIsAnsweredWithAPongCarryingTheSamePayload) {  // 5.5.2, 5.5.3
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::ping, "are you there?")), Strings{"ping:are you there?"});
    EXPECT_EQ(take_output(conn),
              "\x8a\x0e"
              "are you there?"s);
}

TEST(ConnectionTest, UnsentPongIsReplacedByTheAnswerToANewerPing) {  // RFC 6455 5.5.3
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::ping, "1") + frame(Opcode::ping, "2") + frame(Opcode::ping, "3")),
              (Strings{"ping:1", "ping:2", "ping:3"}));
    EXPECT_EQ(take_output(conn),
              "\x8a\x01"
              "3"s)
        << "only the latest ping is answered";

    // A flood of pings that nobody reads the answers to: the outbox holds one pong.
    std::string flood;
    for (int i = 0; i < 10'000; ++i)
        flood += frame(Opcode::ping, std::string(125, static_cast<char>('a' + i % 26)));
    feed(conn, flood);
    EXPECT_EQ(take_output(conn), "\x8a\x7d" + std::string(125, static_cast<char>('a' + 9'999 % 26)));

    // A pong partly taken from the outbox is sent whole; the next ping gets a pong of its own.
    feed(conn, frame(Opcode::ping, "ab"));
    conn.consume_output(1);
    feed(conn, frame(Opcode::ping, "cd"));
    EXPECT_EQ(take_output(conn),
              "\x02"
              "ab"
              "\x8a\x02"
              "cd"s);

    // A pong with another frame queued after it is no longer replaced: the order stays.
    feed(conn, frame(Opcode::ping, "x"));
    EXPECT_TRUE(conn.send_text("t"));
    feed(conn, frame(Opcode::ping, "y"));
    feed(conn, frame(Opcode::ping, "z"));
    EXPECT_EQ(take_output(conn),
              "\x8a\x01"
              "x"
              "\x81\x01"
              "t"
              "\x8a\x01"
              "z"s);
}

TEST(ConnectionTest, UnsolicitedPongNeedsNoAnswer) {  // 5.5.3
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::pong, "heartbeat")), Strings{"pong:heartbeat"});
    EXPECT_FALSE(conn.has_output());
}

TEST(ConnectionTest, TextSplitInsideACodePointAcrossFragmentsIsValid) {
    const std::string euro = "\xE2\x82\xAC";
    const std::string bytes = frame(Opcode::text, euro.substr(0, 1), false) +
                              frame(Opcode::continuation, euro.substr(1, 1), false) +
                              frame(Opcode::continuation, euro.substr(2), true);
    EXPECT_EQ(feed_every_way(bytes), Strings{"text:" + euro});
}

TEST(ConnectionTest, ReusesItsMessageBufferAndHandlesLargeMessages) {
    const std::string big(3 * 65536 + 17, 'x');
    EXPECT_EQ(feed_every_way(frame(Opcode::binary, big) + frame(Opcode::binary, "small")),
              (Strings{"binary:" + big, "binary:small"}));
}

TEST(ConnectionTest, ALargeMessageAndItsEchoAreReleasedOnceDoneSmallOnesReuseTheBuffer) {
    auto conn = server(16 << 20);
    const std::string big(1 << 20, 'b');
    const std::string bytes = frame(Opcode::binary, big);
    std::string_view in = bytes;
    const ws::Event event = conn.receive(in);
    ASSERT_EQ(event.kind, ws::Event::Kind::binary);
    ASSERT_EQ(event.data.size(), big.size());
    ASSERT_TRUE(conn.send_binary(event.data));  // the echo: from the message buffer to the outbox
    EXPECT_GE(conn.buffer_capacity(), 2 * big.size()) << "both held while the echo is being sent";
    conn.consume_output(conn.pending_output().size() - 1);
    EXPECT_GE(conn.buffer_capacity(), big.size()) << "one byte of the echo is still unsent";
    conn.consume_output(1);
    EXPECT_FALSE(conn.receive(in)) << "no more input";
    EXPECT_LE(conn.buffer_capacity(), 3 * ws::retained_capacity) << "both large buffers given back";

    // Messages up to retained_capacity reuse the buffers: no allocation per message.
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(feed(conn, frame(Opcode::text, std::string(ws::retained_capacity, 't'))),
                  Strings{"text:" + std::string(ws::retained_capacity, 't')});
        conn.send_text(std::string(100, 'e'));
        take_output(conn);
        EXPECT_GE(conn.buffer_capacity(), ws::retained_capacity) << "kept for the next message";
        EXPECT_LE(conn.buffer_capacity(), 3 * ws::retained_capacity);
    }
}

TEST(ConnectionTest, APartialMessageCutShortByAFailureIsReleased) {
    auto conn = server(16 << 20);
    std::string bytes = frame(Opcode::binary, std::string(1 << 20, 'p'), false);  // first fragment
    bytes += client_text("a new message inside the fragmented one");              // 1002
    EXPECT_EQ(feed(conn, bytes).back().substr(0, 10), "error 1002");
    take_output(conn);
    std::string_view nothing;
    conn.receive(nothing);
    EXPECT_LE(conn.buffer_capacity(), 3 * ws::retained_capacity);
}

// ---- every violation and its close code

struct Broken {
    std::string name;
    std::string bytes;
    std::uint16_t code;
    friend void PrintTo(const Broken& x, std::ostream* os) { *os << x.name; }
};

class ConnectionViolationTest : public ::testing::TestWithParam<Broken> {};

TEST_P(ConnectionViolationTest, FailsWithTheCodeRfc6455Assigns) {
    const Broken& b = GetParam();
    const Strings events = feed_every_way(b.bytes, 1000);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().substr(0, 10), "error " + std::to_string(b.code)) << events.back();
    auto conn = server(1000);
    feed(conn, b.bytes);
    EXPECT_EQ(conn.state(), ws::Connection::State::closed);
    EXPECT_TRUE(conn.should_close_tcp());
    const Strings sent = server_frames(take_output(conn));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].substr(0, 10), "close " + std::to_string(b.code)) << "our close frame carries the code";
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6455, ConnectionViolationTest,
    ::testing::Values(Broken{"UnmaskedClientFrame", frame(Opcode::text, "hi", true, false), 1002},
                      Broken{"Rsv1WithoutExtension", "\xc1\x82\x37\xfa\x21\x3d\x5f\x93"s, 1002},
                      Broken{"UnknownOpcode", "\x83\x80\x37\xfa\x21\x3d"s, 1002},
                      Broken{"PingOver125Bytes", frame(Opcode::ping, std::string(126, 'p')), 1002},
                      Broken{"FragmentedPing", frame(Opcode::ping, "p", false), 1002},
                      Broken{"ContinuationWithNothingToContinue", frame(Opcode::continuation, "lo"), 1002},
                      Broken{"NewMessageInsideAnUnfinishedOne",
                             frame(Opcode::text, "Hel", false) + client_text("new"), 1002},
                      Broken{"LengthTopBitSet", "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01\x37\xfa\x21\x3d"s,
                             1002},
                      Broken{"CloseWithOneByteBody", frame(Opcode::close, "\x03"), 1002},
                      Broken{"CloseCode1005OnTheWire", frame(Opcode::close, close_body(1005)), 1002},
                      Broken{"CloseCode999", frame(Opcode::close, close_body(999)), 1002},
                      Broken{"CloseCode1016", frame(Opcode::close, close_body(1016)), 1002},
                      Broken{"CloseCode5000", frame(Opcode::close, close_body(5000)), 1002},
                      Broken{"InvalidUtf8", client_text("\xC3\x28"), 1007},
                      Broken{"InvalidUtf8InLaterFragment",
                             frame(Opcode::text, "ok", false) + frame(Opcode::continuation, "\xFF"), 1007},
                      Broken{"TextEndsInsideACodePoint", client_text("\xE2\x82"), 1007},
                      Broken{"CloseReasonNotUtf8", frame(Opcode::close, close_body(1000, "\xFF")), 1007},
                      Broken{"MessageOverTheMaximum", frame(Opcode::binary, std::string(1001, 'b')), 1009},
                      Broken{"FragmentedMessageOverTheMaximum",
                             frame(Opcode::binary, std::string(600, 'b'), false) +
                                 frame(Opcode::continuation, std::string(401, 'b')),
                             1009}),
    [](const auto& test) { return test.param.name; });

TEST(ConnectionTest, InvalidUtf8FailsBeforeTheMessageEnds) {
    // The first fragment is already impossible: the error comes with it, not with the last.
    auto conn = server();
    const Strings events = feed(conn, frame(Opcode::text, "ab\xC0", false));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].substr(0, 10), "error 1007");
}

TEST(ConnectionTest, TooBigIsRefusedOnTheHeaderBeforeAnyPayloadArrives) {
    auto conn = server(1000);
    std::string header(ws::max_frame_header_size, '\0');
    ws::FrameHeader h;
    h.opcode = 0x2;
    h.masked = true;
    h.length = 1u << 30;  // announces 1 GiB
    header.resize(ws::encode_frame_header(h, reinterpret_cast<std::uint8_t*>(header.data())));
    const Strings events = feed(conn, header);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].substr(0, 10), "error 1009");
}

TEST(ConnectionTest, ProtocolErrorMidFragmentAfterMessagesStillDeliversThoseBefore) {
    auto conn = server();
    const Strings events =
        feed(conn, client_text("one") + frame(Opcode::continuation, "x") + client_text("never"));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0], "text:one");
    EXPECT_EQ(events[1].substr(0, 10), "error 1002");
}

// ---- closing handshake

TEST(ConnectionTest, CloseIsAnsweredWithTheSameCodeAndNothingIsTakenAfterIt) {  // 5.5.1
    auto conn = server();
    const Strings events = feed(conn, frame(Opcode::close, close_body(1000, "bye")) + client_text("late"));
    EXPECT_EQ(events, Strings{"close 1000:bye"});
    EXPECT_EQ(take_output(conn), "\x88\x02\x03\xe8"s);
    EXPECT_TRUE(conn.should_close_tcp());
    EXPECT_FALSE(conn.send_text("no data after a close"));
    EXPECT_FALSE(conn.has_output());
}

TEST(ConnectionTest, EmptyCloseIsReportedAs1005AndAnsweredWithAnEmptyClose) {
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::close, "")), Strings{"close 1005:"});
    EXPECT_EQ(take_output(conn), "\x88\x00"s);
}

TEST(ConnectionTest, EveryValidCloseCodeIsAccepted) {
    for (const std::uint16_t code :
         {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
        auto conn = server();
        EXPECT_EQ(feed(conn, frame(Opcode::close, close_body(code))),
                  Strings{"close " + std::to_string(code) + ":"});
    }
}

TEST(ConnectionTest, ServerInitiatedCloseWaitsForThePeersCloseAndStillReceivesData) {
    auto conn = server();
    EXPECT_TRUE(conn.close(1001, "going away"));
    EXPECT_EQ(take_output(conn), "\x88\x0c\x03\xe9going away"s);
    EXPECT_EQ(conn.state(), ws::Connection::State::closing);
    EXPECT_FALSE(conn.send_text("no data after our close"));
    EXPECT_FALSE(conn.close());
    // Data the client sent before it saw our close still arrives; pings are not answered.
    EXPECT_EQ(feed(conn, client_text("in flight") + frame(Opcode::ping, "p")),
              (Strings{"text:in flight", "ping:p"}));
    EXPECT_FALSE(conn.has_output());
    EXPECT_EQ(feed(conn, frame(Opcode::close, close_body(1001))), Strings{"close 1001:"});
    EXPECT_FALSE(conn.has_output()) << "our close was already sent";
    EXPECT_TRUE(conn.should_close_tcp());
    EXPECT_EQ(conn.sent_close_code(), 1001);
    EXPECT_EQ(conn.received_close_code(), 1001);
}

TEST(ConnectionTest, SendingRejectsOversizedControlPayloads) {
    auto conn = server();
    EXPECT_THROW(conn.send_ping(std::string(126, 'p')), std::invalid_argument);
    EXPECT_THROW(conn.close(1000, std::string(124, 'r')), std::invalid_argument);
    EXPECT_TRUE(conn.send_ping(std::string(125, 'p')));
}

// ---- end of stream: clean, or 1006

TEST(ConnectionEofTest, AfterTheClosingHandshakeEndOfStreamIsClean) {
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::close, close_body(1000))), Strings{"close 1000:"});
    EXPECT_TRUE(conn.closed_cleanly());
    EXPECT_EQ(conn.receive_eof().kind, ws::Event::Kind::none);
    EXPECT_TRUE(conn.should_close_tcp());
}

TEST(ConnectionEofTest, WhileOpenEndOfStreamIsAbnormalClosure1006) {
    auto conn = server();
    EXPECT_EQ(feed(conn, client_text("half").substr(0, 4)), Strings{});
    const ws::Event end = conn.receive_eof();
    EXPECT_EQ(end.kind, ws::Event::Kind::close);
    EXPECT_EQ(end.code, ws::close_code::abnormal);
    EXPECT_EQ(end.data, "the connection ended without a closing handshake");
    EXPECT_TRUE(conn.should_close_tcp());
    EXPECT_FALSE(conn.closed_cleanly());
    EXPECT_FALSE(conn.send_text("too late")) << "nothing is sent on a connection that ended";
}

TEST(ConnectionEofTest, AfterOurCloseWithoutTheAnswerIs1006) {
    auto conn = server();
    ASSERT_TRUE(conn.close(1001, "going away"));
    const ws::Event end = conn.receive_eof();
    EXPECT_EQ(end.code, ws::close_code::abnormal);
    EXPECT_EQ(end.data, "the connection ended before the peer answered our close");
}

TEST(ConnectionEofTest, AfterAProtocolErrorIs1006EvenThoughWeSentAClose) {
    auto conn = server();
    EXPECT_EQ(feed(conn, frame(Opcode::text, "x", true, false)).size(), 1u);  // unmasked: 1002
    EXPECT_EQ(conn.sent_close_code(), 1002);
    EXPECT_EQ(conn.receive_eof().code, ws::close_code::abnormal);
}

// ---- client role

TEST(ClientConnectionTest, MasksEveryFrameWithAFreshKey) {
    ws::Connection client(ws::Role::client);
    std::uint8_t next = 1;
    client.set_mask_key_source([&] {
        const ws::MaskKey key{next, next, next, next};
        ++next;
        return key;
    });
    client.send_text("ab");
    client.send_text("ab");
    EXPECT_EQ(take_output(client),
              "\x81\x82\x01\x01\x01\x01\x60\x63"
              "\x81\x82\x02\x02\x02\x02\x63\x60"s);
}

TEST(ClientConnectionTest, DefaultMaskKeysAreRandom) {
    ws::Connection client(ws::Role::client);
    for (int i = 0; i < 4; ++i) client.send_binary("");
    const std::string out = take_output(client);
    ASSERT_EQ(out.size(), 4u * 6);
    std::set<std::string> keys;
    for (int i = 0; i < 4; ++i) keys.insert(out.substr(static_cast<std::size_t>(i) * 6 + 2, 4));
    EXPECT_GE(keys.size(), 3u) << "four random 32-bit keys are (almost surely) distinct";
}

TEST(ClientConnectionTest, ReadsUnmaskedServerFramesAndRefusesMaskedOnes) {
    ws::Connection client(ws::Role::client);
    EXPECT_EQ(feed(client, "\x81\x05Hello"s, 1), Strings{"text:Hello"});
    ws::Connection strict(ws::Role::client);
    const Strings events = feed(strict, frame(Opcode::text, "Hello", true, true));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].substr(0, 10), "error 1002");
}

TEST(ConnectionTest, TracesEachFrameWithItsHeaderAndUnmaskedPayload) {
    auto conn = server();
    std::vector<ws::FrameTrace> frames;
    std::vector<std::string> payloads;
    conn.set_frame_observer([&](const ws::FrameTrace& f) {
        frames.push_back(f);
        payloads.emplace_back(f.payload);
    });
    feed(conn, client_text("Hello"), 1);
    conn.send_text("Hello");
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_TRUE(frames[0].incoming);
    EXPECT_EQ(payloads[0], "Hello");
    EXPECT_TRUE(frames[0].header.masked);
    EXPECT_FALSE(frames[1].incoming);
    EXPECT_EQ(payloads[1], "Hello");
    EXPECT_EQ(frames[1].header.length, 5u);
}

}  // namespace

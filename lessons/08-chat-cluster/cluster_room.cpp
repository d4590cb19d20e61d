#include "cluster_room.hpp"

#include <algorithm>

namespace lesson08 {

using lesson05::FramePtr;
using lesson05::make_text_frame;
using lesson05::Member;

namespace {

constexpr std::size_t max_quoted_error = 200;  // bytes of a store's error quoted to a client

std::string quoted(std::string_view why) { return std::string(lesson05::utf8_prefix(why, max_quoted_error)); }

}  // namespace

ClusterRoom::ClusterRoom(Backplane& backplane, ClusterRoomConfig config)
    : backplane_(backplane), config_(std::move(config)) {}

// ---- bookkeeping ---------------------------------------------------------------------------

ClusterRoom::Seat* ClusterRoom::seat_of(const Member& member) {
    const auto found = seats_.find(&member);
    return found == seats_.end() ? nullptr : &found->second;
}

ClusterRoom::Seat* ClusterRoom::seat_by_token(const std::string& token) {
    const auto found = by_token_.find(token);
    return found == by_token_.end() ? nullptr : seat_of(*found->second);
}

void ClusterRoom::send(Seat& seat, const FramePtr& frame, bool exempt) {
    audience_of(seat).send(*seat.member, frame, exempt);
}

void ClusterRoom::send_all(const FramePtr& frame) {
    for (auto& [member, seat] : seats_) send(seat, frame);
}

void ClusterRoom::deliver(const FramePtr& frame, const Seat* skip) {
    if (replaying_ == 0) {  // the usual case: one shared frame queued at every member
        if (skip) present_.broadcast_except(frame, *skip->member);
        else present_.broadcast(frame);
        return;
    }
    for (auto& [member, seat] : seats_) {
        if (!seat.greeted || &seat == skip) continue;
        if (seat.resume != Resume::replaying) {
            present_.send(*seat.member, frame);
        } else if (seat.held.size() < config_.max_held) {
            seat.held.push_back(frame);  // after the replay, in order
        } else {
            // Too much live traffic while the replay is on its way: give the replay up rather
            // than hold without bound. The member gets everything live, and is told.
            seat.resume = Resume::none;
            --replaying_;
            present_.send(*seat.member, make_text_frame(lesson05::encode_error(
                                            "resume abandoned: too many live messages while replaying")));
            for (const FramePtr& held : seat.held) present_.send(*seat.member, held);
            std::vector<FramePtr>().swap(seat.held);
            present_.send(*seat.member, frame);
        }
    }
}

std::vector<std::string> ClusterRoom::names(std::size_t limit) const {
    std::vector<std::string> out;
    for (const auto& [token, name] : online_) {
        if (out.size() == limit) break;
        out.push_back(name);
    }
    return out;
}

// ---- the sessions' side ------------------------------------------------------------------

void ClusterRoom::join(Member& member) {
    if (member.in_room()) return;
    Seat& seat = seats_[&member];
    seat.member = &member;
    seat.token = config_.token_prefix + "." + std::to_string(next_token_++);
    by_token_[seat.token] = &member;
    joining_.add(member, "");
    register_seat(seat);
}

void ClusterRoom::register_seat(Seat& seat) {
    if (!up() || !loaded_) {
        seat.phase = Phase::waiting;
        if (!up())
            send(seat, make_text_frame(lesson05::encode_status(
                           "the chat's store (Redis) is unreachable: you will join when it is back")));
        return;
    }
    seat.phase = Phase::registering;
    backplane_.join(seat.token, seat.wanted, [weak = weak(), token = seat.token](Answer<Joined> answer) {
        const auto self = weak.lock();
        if (!self) return;
        Seat* target = self->seat_by_token(token);
        if (!target || answer.ok() || target->phase != Phase::registering) return;  // greeted on its entry
        target->phase = Phase::waiting;  // tried again when the link is back, or at the next tick
        self->send(*target,
                   make_text_frame(lesson05::encode_status("could not join yet: " + quoted(answer.error))));
        self->flush();
    });
}

void ClusterRoom::leave(Member& member, bool /*quietly*/) {
    // Announced even at this node's shutdown: the rest of the cluster goes on without them.
    Seat* seat = seat_of(member);
    if (!seat) return;
    audience_of(*seat).remove(member);
    if (seat->resume == Resume::replaying) --replaying_;
    // If the store is down the leave is lost here, and the token, no longer renewed, expires:
    // some node reaps it and announces the leave within the TTL.
    if (up()) backplane_.leave(seat->token);
    by_token_.erase(seat->token);
    seats_.erase(&member);
}

void ClusterRoom::say(Member& member, std::string_view text) {
    Seat* seat = seat_of(member);
    if (!seat) return;
    if (!up()) return error(member, "not sent: the chat's store (Redis) is unreachable");
    if (seat->phase != Phase::present) return (void)keep_early(*seat, Early::Kind::say, text);
    backplane_.say(
        seat->token, std::string(text), [weak = weak(), token = seat->token](Answer<std::string> answer) {
            const auto self = weak.lock();
            if (!self || answer.ok()) return;  // delivered when read back from the stream
            if (Seat* target = self->seat_by_token(token)) {
                // A link error on a command already sent leaves it unknown whether Redis ran it
                // (the reply may be lost with the connection): the member is told just that.
                const bool unknown = answer.error.starts_with("LINK");
                const std::string why =
                    (unknown ? "not confirmed (the others may or may not get it): " : "not sent: ") +
                    quoted(answer.error);
                self->send(*target, make_text_frame(lesson05::encode_error(why)));
                self->flush();
            }
        });
}

void ClusterRoom::rename(Member& member, std::string_view name) {
    Seat* seat = seat_of(member);
    if (!seat) return;
    if (const std::string why = lesson05::check_name(name); !why.empty()) return error(member, why);
    if (!up()) return error(member, "not renamed: the chat's store (Redis) is unreachable");
    if (seat->phase != Phase::present) return (void)keep_early(*seat, Early::Kind::rename, name);
    if (name == member.name()) return error(member, "you are already called " + member.name());
    backplane_.rename(
        seat->token, std::string(name),
        [weak = weak(), token = seat->token, wanted = std::string(name)](Answer<RenameOutcome> answer) {
            const auto self = weak.lock();
            if (!self) return;
            Seat* target = self->seat_by_token(token);
            if (!target) return;
            std::string why;
            if (!answer.ok()) why = "not renamed: " + quoted(answer.error);
            else if (answer.value == RenameOutcome::taken) why = "the name " + wanted + " is taken";
            else if (answer.value == RenameOutcome::absent) why = "not renamed: you are not in the chat";
            if (why.empty()) return;  // the rename entry renames the member
            self->send(*target, make_text_frame(lesson05::encode_error(why)));
            self->flush();
        });
}

void ClusterRoom::who(Member& member) {
    Seat* seat = seat_of(member);
    if (!seat) return;
    if (!up()) return error(member, "who is online is unknown while the chat's store (Redis) is unreachable");
    if (seat->phase != Phase::present) return (void)keep_early(*seat, Early::Kind::who, {});
    backplane_.who([weak = weak(), token = seat->token](Answer<std::vector<std::string>> answer) {
        const auto self = weak.lock();
        if (!self) return;
        Seat* target = self->seat_by_token(token);
        if (!target) return;
        if (!answer.ok()) {
            self->send(*target,
                       make_text_frame(lesson05::encode_error("who failed: " + quoted(answer.error))));
        } else {
            const std::size_t online = answer.value.size();
            if (answer.value.size() > self->config_.who_names) answer.value.resize(self->config_.who_names);
            self->send(*target, make_text_frame(lesson05::encode_users(online, answer.value)));
        }
        self->flush();
    });
}

void ClusterRoom::resume(Member& member, std::string_view after) {
    Seat* seat = seat_of(member);
    if (!seat) return;
    if (!StreamId::parse(after))
        return error(member, "cannot resume: " + quoted(after) + " is not a message id of this chat");
    if (seat->phase != Phase::present) return (void)keep_early(*seat, Early::Kind::resume, after);
    start_resume(*seat, std::string(after));
}

bool ClusterRoom::keep_early(Seat& seat, Early::Kind kind, std::string_view text) {
    if (seat.early.size() >= config_.max_early) {
        send(seat, make_text_frame(lesson05::encode_error("not done: too many commands before you joined")));
        return false;
    }
    seat.early.push_back({kind, std::string(text)});
    return true;
}

void ClusterRoom::run_early(Seat& seat) {
    std::vector<Early> early;
    early.swap(seat.early);
    Member& member = *seat.member;  // none of these removes a seat: `seat` stays valid
    for (const Early& command : early) {
        switch (command.kind) {
        case Early::Kind::say: say(member, command.text); break;
        case Early::Kind::rename: rename(member, command.text); break;
        case Early::Kind::who: who(member); break;
        case Early::Kind::resume: resume(member, command.text); break;
        }
    }
}

void ClusterRoom::start_resume(Seat& seat, const std::string& after) {
    const StreamId from = *StreamId::parse(after);
    if (seat.resume == Resume::replaying) {
        send(seat, make_text_frame(lesson05::encode_error("cannot resume: a resume is under way")));
        return;
    }
    if (!(from < seat.greeting_end)) {  // everything after it came on this connection
        send(seat, make_text_frame(lesson05::encode_resumed(after, 0)));
        return;
    }
    if (!up()) {
        send(seat,
             make_text_frame(lesson05::encode_error(
                 "cannot resume now: the chat's store (Redis) is unreachable; ask again when it is back")));
        return;
    }
    seat.resume = Resume::replaying;
    ++replaying_;
    backplane_.range(after, seat.greeting_end.text(), config_.max_replay,
                     [weak = weak(), token = seat.token, after](Answer<std::vector<StreamEntry>> answer) {
                         if (const auto self = weak.lock())
                             self->finish_resume(token, after, std::move(answer));
                     });
}

void ClusterRoom::finish_resume(const std::string& token, const std::string& after,
                                Answer<std::vector<StreamEntry>> answer) {
    Seat* seat = seat_by_token(token);
    if (!seat || seat->resume != Resume::replaying) return;  // gone, or given up (deliver)
    seat->resume = Resume::none;
    --replaying_;
    if (!answer.ok()) {
        send(*seat, make_text_frame(lesson05::encode_error("cannot resume: " + quoted(answer.error))));
    } else {
        std::size_t missed = 0;
        for (const StreamEntry& entry : answer.value) {
            const auto event = parse_event(entry);
            if (!event || event->type != ChatEvent::Type::message) continue;
            send(*seat, encode_event(*event));
            ++missed;
        }
        if (answer.value.size() >= config_.max_replay) {
            send(*seat, make_text_frame(lesson05::encode_error(
                            "resume replayed the first " + std::to_string(config_.max_replay) +
                            " entries only; later ones before your greeting are not replayed")));
        }
        send(*seat, make_text_frame(lesson05::encode_resumed(after, missed)));
    }
    for (const FramePtr& frame : seat->held) send(*seat, frame);  // then live, in order
    std::vector<FramePtr>().swap(seat->held);
    flush();
}

void ClusterRoom::error(Member& member, std::string_view text) {
    if (Seat* seat = seat_of(member)) send(*seat, make_text_frame(lesson05::encode_error(text)));
}

void ClusterRoom::flush() {
    joining_.flush();
    present_.flush();
}

// ---- what the node tells the room ------------------------------------------------------------

void ClusterRoom::load(const Snapshot& snapshot) {
    last_id_ = snapshot.last_id;
    history_.clear();
    for (const StreamEntry& entry : snapshot.newest_first) {
        if (history_.size() == config_.history) break;
        const auto event = parse_event(entry);
        if (event && event->type == ChatEvent::Type::message)
            history_.emplace_front(event->id, encode_event(*event));
    }
    online_.clear();
    for (const auto& [token, name] : snapshot.online) online_[token] = name;
    loaded_ = true;
    if (up()) {
        for (auto& [member, seat] : seats_) {
            if (seat.phase == Phase::waiting) register_seat(seat);
        }
    }
    flush();
}

void ClusterRoom::on_entries(const std::vector<StreamEntry>& entries) {
    for (const StreamEntry& entry : entries) {
        last_id_ = entry.id;
        ++events_read_;
        if (const auto event = parse_event(entry)) apply(*event);
    }
    flush();
}

void ClusterRoom::apply(const ChatEvent& event) {
    const FramePtr frame = encode_event(event);
    Seat* seat = seat_by_token(event.token);  // one of ours, or nullptr
    switch (event.type) {
    case ChatEvent::Type::message:
        if (config_.history > 0) {
            if (history_.size() == config_.history) history_.pop_front();
            history_.emplace_back(event.id, frame);
        }
        deliver(frame);
        break;
    case ChatEvent::Type::join:
        online_[event.token] = event.name;
        if (seat && seat->phase != Phase::present) {
            greet(*seat, event);
            if (presence()) deliver(frame, seat);
            send(*seat, frame, true);  // last: the newcomer learns that what follows is live
            run_early(*seat);
        } else if (presence()) {
            deliver(frame);
        }
        break;
    case ChatEvent::Type::leave:
        online_.erase(event.token);
        if (presence()) deliver(frame);
        // Our member, still connected, was reaped (its node could not renew it in time).
        if (seat && seat->phase == Phase::present) rejoin(*seat, "your presence in the chat expired");
        break;
    case ChatEvent::Type::rename:
        online_[event.token] = event.to;
        if (seat && seat->phase == Phase::present) {
            present_.set_name(*seat->member, event.to);
            seat->wanted = event.to;
        }
        if (presence()) deliver(frame);
        else if (seat && seat->phase == Phase::present) send(*seat, frame);
        break;
    }
}

void ClusterRoom::greet(Seat& seat, const ChatEvent& join) {
    seat.phase = Phase::present;
    seat.wanted = join.name;
    if (seat.greeted) {
        present_.set_name(*seat.member, join.name);
        // Joining again (rejoin): this connection has the history, and its resume bound stays.
        send(
            seat,
            make_text_frame(lesson05::encode_hello(join.name, online_.size(), names(config_.hello_names), 0)),
            true);
        return;
    }
    joining_.remove(*seat.member);
    present_.add(*seat.member, join.name);
    seat.greeted = true;
    // This connection gets the history's messages, then everything from its join entry on.
    seat.greeting_end = history_.empty() ? join.id : history_.front().first;
    send(seat,
         make_text_frame(
             lesson05::encode_hello(join.name, online_.size(), names(config_.hello_names), history_.size())),
         true);
    for (const auto& [id, frame] : history_) send(seat, frame, true);
}

void ClusterRoom::rejoin(Seat& seat, std::string_view why) {
    // The member stays in present_: still connected, it misses nothing live while it joins
    // again (the store may take a while, and other nodes' members talk meanwhile).
    if (seat.resume == Resume::replaying) --replaying_;
    seat.resume = Resume::none;
    std::vector<FramePtr>().swap(seat.held);
    by_token_.erase(seat.token);
    online_.erase(seat.token);
    seat.token = config_.token_prefix + "." + std::to_string(next_token_++);
    by_token_[seat.token] = seat.member;
    seat.phase = Phase::waiting;
    send(seat,
         make_text_frame(lesson05::encode_status(std::string(why) + ": joining again as " + seat.wanted)));
    register_seat(seat);
}

void ClusterRoom::link_up() {
    if (link_ == Link::up) return;
    link_ = Link::up;
    send_all(make_text_frame(lesson05::encode_status("the chat's store (Redis) is reachable again")));
    if (loaded_) {
        // Members may have gone meanwhile without a leave in the stream (Redis restarted empty):
        // the mirror is read again. (Approximate: events read before this answer arrives and
        // made after it are overwritten; `who` reads the hash itself.)
        backplane_.online([weak = weak()](Answer<std::vector<std::pair<std::string, std::string>>> answer) {
            const auto self = weak.lock();
            if (!self || !answer.ok()) return;
            self->online_.clear();
            for (auto& [token, name] : answer.value) self->online_[token] = std::move(name);
        });
    }
    if (loaded_) {
        for (auto& [member, seat] : seats_) {
            if (seat.phase == Phase::waiting) register_seat(seat);
        }
    }
    tick();  // at once: after a restart of the store, our members may need to join again
    flush();
}

void ClusterRoom::link_down(std::string_view why) {
    if (link_ == Link::down) return;
    link_ = Link::down;
    (void)why;
    // News about the store, not an answer to a command: a status event (an error answers a
    // command, and a client may count on that, as lesson 05's page does after a reconnect).
    send_all(
        make_text_frame(lesson05::encode_status("the chat's store (Redis) is unreachable: messages are "
                                                "refused until it is back; you stay connected")));
    flush();
}

void ClusterRoom::reap() {
    // TASK 08.presence: keep presence alive: renew members, rejoin the forgotten, reap the expired
    // A request removes a bounded number (the script: 100); a dead node's thousands of members
    // take as many requests, one after the other, not one per tick. Their leaves come through
    // the stream.
    backplane_.reap([weak = weak()](Answer<std::int64_t> answer) {
        const auto self = weak.lock();
        if (self && answer.ok() && answer.value > 0 && self->up()) self->reap();
    });
    // END TASK 08.presence
}

void ClusterRoom::tick() {
    if (!up()) return;
    // TASK 08.presence: keep presence alive: renew members, rejoin the forgotten, reap the expired
    reap();
    std::vector<std::string> batch;
    const auto send_batch = [&] {
        if (batch.empty()) return;
        backplane_.renew(batch, [weak = weak()](Answer<std::vector<std::string>> answer) {
            const auto self = weak.lock();
            if (!self || !answer.ok()) return;  // tried again at the next tick
            for (const std::string& token : answer.value) {
                Seat* seat = self->seat_by_token(token);
                if (seat && seat->phase == Phase::present)
                    self->rejoin(*seat, "the chat's store no longer knew you (it restarted, or you expired)");
            }
            self->flush();
        });
        batch.clear();
    };
    for (auto& [member, seat] : seats_) {
        if (seat.phase == Phase::present) {
            batch.push_back(seat.token);
            if (batch.size() == config_.renew_batch) send_batch();
        } else if (seat.phase == Phase::waiting && loaded_) {
            register_seat(seat);  // a join the store refused: once per tick
        }
    }
    send_batch();
    // END TASK 08.presence
}

}  // namespace lesson08

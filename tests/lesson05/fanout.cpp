// Hand-run fan-out measurement (not a test): N clients, a burst, deliveries per second.
//   build/tests/05-fanout PORT [CLIENTS [SENDERS [PER_SENDER [PAYLOAD [SERVER_PID]]]]]
// With SERVER_PID, the server's resident memory is shown before the clients connect, once
// they all sit idle in the room (before the burst), and at its peak (VmHWM) after the burst.
#include "load_client.hpp"

#include "proc_memory.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: 05-fanout PORT [CLIENTS [SENDERS [PER_SENDER [PAYLOAD]]]]\n";
        return EXIT_FAILURE;
    }
    lesson05::testing::LoadOptions options;
    options.port = static_cast<std::uint16_t>(std::stoi(argv[1]));
    if (argc > 2) options.clients = std::stoul(argv[2]);
    if (argc > 3) options.senders = std::stoul(argv[3]);
    if (argc > 4) options.per_sender = std::stoul(argv[4]);
    if (argc > 5) options.payload = std::stoul(argv[5]);
    options.timeout = std::chrono::seconds(120);
    long before = 0, idle = 0;  // KiB
    const pid_t pid = argc > 6 ? std::stoi(argv[6]) : 0;
    if (pid != 0) {
        const auto rss_kib = [pid] { return static_cast<long>(lesson05::testing::rss_bytes(pid) / 1024); };
        before = rss_kib();
        options.on_greeted = [&, rss_kib] { idle = rss_kib(); };
    }
    const auto r = lesson05::testing::run_load(options);
    std::cout << "clients " << r.connected << "/" << options.clients << ", complete " << r.complete
              << ", deliveries " << r.deliveries << ", out of order " << r.out_of_order
              << (r.timed_out ? ", TIMED OUT" : "") << (r.first_error.empty() ? "" : ", error: " + r.first_error) << "\n"
              << "connect+hello " << r.connect_seconds << " s; burst " << r.burst_seconds << " s = "
              << (r.burst_seconds > 0 ? static_cast<double>(r.deliveries) / r.burst_seconds : 0) << " deliveries/s\n";
    if (pid != 0) {
        std::cout << "server RSS " << before << " KiB before, " << idle << " KiB with " << r.connected
                  << " idle clients: " << (idle - before) * 1024.0 / static_cast<double>(r.connected) << " bytes per connection\n"
                  << "server peak RSS " << lesson05::testing::peak_rss_bytes(pid) / 1024 << " KiB\n";
    }
    return r.complete == options.clients ? EXIT_SUCCESS : EXIT_FAILURE;
}

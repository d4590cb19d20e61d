#pragma once
// A temporary directory for a test's server (its config, its files): made with mkdtemp under
// $TMPDIR (or /tmp), removed with everything in it by the destructor.

#include <string>

namespace course::testing {

class TempDir {
public:
    explicit TempDir(const std::string& prefix);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

}  // namespace course::testing

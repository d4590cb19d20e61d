#include "common/name_key.hpp"

namespace course {

std::string name_key(std::string_view name) {
    std::string key(name);
    for (char& c : key) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');  // not std::tolower: no locale
    }
    return key;
}

}  // namespace course

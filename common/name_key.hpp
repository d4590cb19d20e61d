#pragma once
// The key under which a chat name is unique: the name with ASCII letters in lower case.
// "Alice", "ALICE" and "alice" look like one person to everyone reading the room, so a chat
// lets only one of them in; the name keeps the case its owner chose for display.
//
// Both chats (lessons 02 and 05) allow only ASCII letters, digits and a few marks in names,
// so folding ASCII is complete for them. Names in any script would need Unicode case folding
// and normalisation, and would still be fooled by look-alikes (a Cyrillic "а" in "pаypal").

#include <string>
#include <string_view>

namespace course {

std::string name_key(std::string_view name);

}  // namespace course

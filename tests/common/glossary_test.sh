#!/usr/bin/env bash
# Common.GlossaryIsSortedAndEveryLinkToItResolves: docs/glossary.md keeps its promises. Its
# entries are in alphabetical order, each listed in the index at the top; every anchor (a
# heading's, or a second name's <a id>) is used once; its links to its own entries and to files
# resolve; and every link to it from a Markdown file of the course names an anchor it has.
#
#   glossary_test.sh SOURCE_DIR
set -euo pipefail
root=$1
glossary=$root/docs/glossary.md
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# GitHub's anchor for a heading: lower case, spaces to hyphens, only letters, digits, - and _.
slug() { tr 'A-Z' 'a-z' <<<"$1" | tr ' ' '-' | tr -cd 'a-z0-9_-'; }

mapfile -t headings < <(sed -n 's/^### //p' "$glossary")
[ "${#headings[@]}" -gt 0 ] || { echo "FAIL: no entries (### headings) in $glossary"; exit 1; }

# Alphabetical, ignoring case, backticks and a leading '/' (as in /proc).
sort_key() { tr 'A-Z' 'a-z' <<<"$1" | tr -d '`' | sed 's|^/||'; }
previous=""
for heading in "${headings[@]}"; do
  key=$(sort_key "$heading")
  if [ -n "$previous" ] && [[ ! "$previous" < "$key" ]]; then
    fail "'$heading' comes after '$previous_heading': the entries are out of order"
  fi
  previous=$key previous_heading=$heading
done

anchors=()
for heading in "${headings[@]}"; do anchors+=("$(slug "$heading")"); done
mapfile -t -O "${#anchors[@]}" anchors < <(grep -oE '<a id="[^"]+"></a>' "$glossary" | sed -E 's/<a id="([^"]+)"><\/a>/\1/')
duplicates=$(printf '%s\n' "${anchors[@]}" | sort | uniq -d)
[ -z "$duplicates" ] || fail "anchors used twice: $(echo $duplicates)"
anchor_list=$(printf '%s\n' "${anchors[@]}")
has_anchor() { grep -qxF -- "$1" <<<"$anchor_list"; }

index=$(sed '/^---$/q' "$glossary")
for heading in "${headings[@]}"; do
  grep -qF "(#$(slug "$heading"))" <<<"$index" || fail "'$heading' is missing from the index at the top"
done

while read -r anchor; do
  has_anchor "$anchor" || fail "docs/glossary.md links to #$anchor, which it does not have"
done < <(grep -oE '\]\(#[^)]+\)' "$glossary" | sed -E 's/\]\(#([^)]+)\)/\1/' | sort -u)

while read -r target; do
  [ -e "$root/docs/$target" ] || fail "docs/glossary.md links to $target, which does not exist"
done < <({ grep -oE '\]\((\.\./)[^)#]+' "$glossary" | sed 's/^](//'
           grep -oE '^\[[^]]+\]: \.\./[^ #]+' "$glossary" | sed 's/^[^:]*: //'; } | sort -u)

# Links from the course's Markdown files (those git knows, else all but build directories'):
# path/to/glossary.md#anchor.
markdown_files() {
  git -C "$root" ls-files '*.md' 2>/dev/null \
    || (cd "$root" && find . -name '*.md' -not -path './build*' -not -path '*/node_modules/*' | sed 's|^\./||')
}
while IFS=: read -r file link; do
  has_anchor "${link#*#}" || fail "$file links to glossary.md#${link#*#}, which the glossary does not have"
done < <(markdown_files | (cd "$root" && xargs -r grep -oE 'glossary\.md#[A-Za-z0-9_-]+') || true)

[ "$failures" -eq 0 ] || exit 1
echo "ok: ${#headings[@]} entries in order and indexed, ${#anchors[@]} anchors, every link resolves"

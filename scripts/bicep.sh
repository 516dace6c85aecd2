#!/usr/bin/env bash
# Prints the path of a Bicep CLI, installing it first when none is found.
#   scripts/bicep.sh            find or install; print the path
#   scripts/bicep.sh --find     find only (exit 1 when there is none)
# Looks at $WEQS_BICEP, then the copy restored into .tools/bicep/, then `bicep` on PATH. Installs by
# `dotnet restore` of tools/bicep/bicep-cli.csproj: the compiler is a native binary inside the NuGet
# package Azure.Bicep.CommandLine.linux-x64 (no other download needed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(sed -n 's/.*Azure.Bicep.CommandLine.linux-x64" Version="\([^"]*\)".*/\1/p' "$root/tools/bicep/bicep-cli.csproj")"
restored="$root/.tools/bicep/packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"

find_bicep() {
  if [[ -n "${WEQS_BICEP:-}" && -x "$WEQS_BICEP" ]]; then echo "$WEQS_BICEP"; return 0; fi
  if [[ -x "$restored" ]]; then echo "$restored"; return 0; fi
  if command -v bicep >/dev/null 2>&1; then command -v bicep; return 0; fi
  return 1
}

if find_bicep; then exit 0; fi
if [[ "${1:-}" == "--find" ]]; then exit 1; fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "scripts/bicep.sh: no Bicep CLI and no dotnet to restore one; install the .NET SDK or put bicep on PATH" >&2
  exit 1
fi
echo "scripts/bicep.sh: restoring Azure.Bicep.CommandLine.linux-x64 $version from NuGet" >&2
dotnet restore "$root/tools/bicep/bicep-cli.csproj" --packages "$root/.tools/bicep/packages" \
  --nologo --verbosity quiet >&2
chmod +x "$restored"
"$restored" --version >&2
echo "$restored"

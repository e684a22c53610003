# devtrace shell integration for bash >= 4.4.
#
# devtrace starts bash as `bash --rcfile <this file> -i`. This file loads the user's own startup
# files, then adds hooks that only EMIT OSC 633 sequences (the wire format is documented in
# agent/shell/osc-parser.ts); the devtrace process parses them out of the pty byte stream.
# Nothing here edits the user's dotfiles. Every name is prefixed `__devtrace_`, every builtin is
# called through `builtin`, and the user's PROMPT_COMMAND, DEBUG trap and `$?` are kept.
#
#   E;<command line>;<nonce>  and C   printed by PS0, just before the command line runs
#   D;<exit code>;<nonce>             printed by PROMPT_COMMAND, after it
#   P;Cwd=<dir>                       printed by PROMPT_COMMAND, before each prompt
#   A ... B                           around PS1
#
# The command line comes from the history list (`history 1`), so aliases stay unexpanded. For the
# line to reach the history whatever HISTCONTROL/HISTIGNORE say, they are emptied while the
# prompt is up and restored before the command runs; the entry is then re-added with
# `history -s`, which applies the user's own rules again (ignorespace, ignoredups, erasedups...).

# Recursion guard: a user file sourcing this again, or a nested --rcfile, changes nothing.
if [[ -n "${__devtrace_loaded-}" ]]; then
  builtin return 0
fi
__devtrace_loaded=1

# The nonce proves that an E or D report came from this file, not from a program's output; the
# environment programs see must not carry it.
__devtrace_nonce="${DEVTRACE_NONCE-}"
__devtrace_login="${DEVTRACE_SHELL_LOGIN-}"
builtin unset DEVTRACE_NONCE DEVTRACE_SHELL_LOGIN

# The user's own startup files, as bash reads them without --rcfile.
if [[ "$__devtrace_login" == 1 ]]; then
  if [[ -r /etc/profile ]]; then builtin source /etc/profile; fi
  for __devtrace_file in ~/.bash_profile ~/.bash_login ~/.profile; do
    if [[ -r "$__devtrace_file" ]]; then
      builtin source "$__devtrace_file"
      break
    fi
  done
  builtin unset __devtrace_file
elif [[ -r ~/.bashrc ]]; then
  builtin source ~/.bashrc
fi

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  builtin printf 'devtrace: bash %s cannot report commands (4.4 or newer needed); this terminal is not recorded\n' "$BASH_VERSION" >&2
  builtin return 0
fi

builtin source "${BASH_SOURCE[0]%/*}/devtrace-hooks.bash"

# devtrace: zsh reads this file because devtrace started it with ZDOTDIR pointing here.
# Each devtrace startup file loads the user's file of the same name from their real ZDOTDIR,
# at top level (so their typeset/local behave as usual), then points ZDOTDIR back here so that
# zsh reads devtrace's next file; the last one puts the user's ZDOTDIR back for good.
# No user file is edited.
if [[ -n "${__devtrace_zsh_env_loaded-}" ]]; then
  return 0
fi
typeset -g __devtrace_zsh_env_loaded=1
typeset -g __devtrace_zdotdir_here="$ZDOTDIR"
# The user's ZDOTDIR; unset means $HOME.
typeset -g __devtrace_user_zdotdir_set="${DEVTRACE_USER_ZDOTDIR+1}"
typeset -g __devtrace_user_zdotdir="${DEVTRACE_USER_ZDOTDIR-}"
# The nonce proves that an E or D report came from devtrace, not from a program's output; the
# environment programs see must not carry it.
typeset -g __devtrace_nonce="${DEVTRACE_NONCE-}"
unset DEVTRACE_NONCE DEVTRACE_USER_ZDOTDIR

if [[ -n "$__devtrace_user_zdotdir_set" ]]; then export ZDOTDIR="$__devtrace_user_zdotdir"; else unset ZDOTDIR; fi
if [[ -r "${ZDOTDIR:-$HOME}/.zshenv" ]]; then source "${ZDOTDIR:-$HOME}/.zshenv"; fi
__devtrace_user_zdotdir_set="${ZDOTDIR+1}" __devtrace_user_zdotdir="${ZDOTDIR-}"
if [[ -o interactive ]]; then export ZDOTDIR="$__devtrace_zdotdir_here"; fi

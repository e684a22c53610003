# devtrace: see .zshenv. Login shells only.
if [[ -n "$__devtrace_user_zdotdir_set" ]]; then export ZDOTDIR="$__devtrace_user_zdotdir"; else unset ZDOTDIR; fi
if [[ -r "${ZDOTDIR:-$HOME}/.zprofile" ]]; then source "${ZDOTDIR:-$HOME}/.zprofile"; fi
__devtrace_user_zdotdir_set="${ZDOTDIR+1}" __devtrace_user_zdotdir="${ZDOTDIR-}"
export ZDOTDIR="$__devtrace_zdotdir_here"

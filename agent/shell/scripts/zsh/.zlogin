# devtrace: see .zshenv. Login shells only. The last startup file: the user's ZDOTDIR stays.
if [[ -n "$__devtrace_user_zdotdir_set" ]]; then export ZDOTDIR="$__devtrace_user_zdotdir"; else unset ZDOTDIR; fi
if [[ -r "${ZDOTDIR:-$HOME}/.zlogin" ]]; then source "${ZDOTDIR:-$HOME}/.zlogin"; fi

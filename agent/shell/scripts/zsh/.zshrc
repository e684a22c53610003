# devtrace: see .zshenv. The user's .zshrc runs first, so devtrace's hooks are added last.
if [[ -n "$__devtrace_user_zdotdir_set" ]]; then export ZDOTDIR="$__devtrace_user_zdotdir"; else unset ZDOTDIR; fi
if [[ -r "${ZDOTDIR:-$HOME}/.zshrc" ]]; then source "${ZDOTDIR:-$HOME}/.zshrc"; fi
__devtrace_user_zdotdir_set="${ZDOTDIR+1}" __devtrace_user_zdotdir="${ZDOTDIR-}"
source "$__devtrace_zdotdir_here/../devtrace.zsh"
if [[ -o login ]]; then
  export ZDOTDIR="$__devtrace_zdotdir_here"
fi

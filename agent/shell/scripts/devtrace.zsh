# devtrace shell integration for zsh; sourced by zsh/.zshrc after the user's own .zshrc.
#
# Hooks that only EMIT OSC 633 sequences (the wire format is documented in
# agent/shell/osc-parser.ts); the devtrace process parses them out of the pty byte stream:
#   E;<command line>;<nonce>  and C   preexec, just before the command line runs
#   D;<exit code>;<nonce>             PROMPT_EOL_MARK, after it (precmd when PROMPT_SP is off)
#   P;Cwd=<dir>                       precmd, before each prompt
#   A ... B                           around PS1
# preexec's $1 is the line as typed (aliases unexpanded), whatever the history options say.
# Hooks go through precmd_functions/preexec_functions, so the user's own hooks keep running, and
# zsh hands each hook the same $?.

if [[ -n "${__devtrace_hooks_loaded-}" ]] || [[ ! -o interactive ]]; then
  return 0
fi
typeset -g __devtrace_hooks_loaded=1 __devtrace_executing=0

# Sets REPLY to $1 written as an OSC 633 value: \ as \\, ; and bytes below 0x20 as \xNN.
__devtrace_escape() {
  emulate -L zsh
  local __devtrace_s="$1" __devtrace_c __devtrace_hex __devtrace_i
  __devtrace_s="${__devtrace_s//\\/\\\\}"
  __devtrace_s="${__devtrace_s//;/\\x3b}"
  for (( __devtrace_i = 1; __devtrace_i < 32; __devtrace_i++ )); do
    printf -v __devtrace_hex '%02x' "$__devtrace_i"
    printf -v __devtrace_c "\\x$__devtrace_hex"
    if [[ "$__devtrace_s" == *"$__devtrace_c"* ]]; then __devtrace_s="${__devtrace_s//$__devtrace_c/\\x$__devtrace_hex}"; fi
  done
  REPLY="$__devtrace_s"
}

__devtrace_preexec() {
  emulate -L zsh
  __devtrace_escape "$1"
  printf '\e]633;E;%s;%s\a\e]633;C\a' "$REPLY" "$__devtrace_nonce"
  __devtrace_executing=1
}

# zsh prints PROMPT_SP's end-of-line mark before any precmd hook runs; D rides inside the mark
# (%? is the exit status) so that the mark, and whatever precmd hooks print, stay out of the
# command's output. Without PROMPT_SP, D comes from the first precmd hook.
__devtrace_precmd() {
  local __devtrace_status=$?
  emulate -L zsh
  if (( __devtrace_executing )); then
    __devtrace_executing=0
    if [[ ! -o prompt_sp || ! -o prompt_cr ]]; then
      printf '\e]633;D;%s;%s\a' "$__devtrace_status" "$__devtrace_nonce"
    fi
  fi
  __devtrace_escape "$PWD"
  printf '\e]633;P;Cwd=%s\a' "$REPLY"
  return $__devtrace_status
}

# Last of the precmd hooks, so a theme that rewrites PS1 in its own precmd is wrapped too.
__devtrace_wrap_prompt() {
  local __devtrace_status=$?
  if [[ -z "${__devtrace_ps1+1}" || "$PS1" != "$__devtrace_ps1" ]]; then
    PS1=$'%{\e]633;A\a%}'"$PS1"$'%{\e]633;B\a%}'
    typeset -g __devtrace_ps1="$PS1"
  fi
  if [[ -z "${__devtrace_eol_mark+1}" || "${PROMPT_EOL_MARK-}" != "$__devtrace_eol_mark" ]]; then
    PROMPT_EOL_MARK=$'%{\e]633;D;%?;'"$__devtrace_nonce"$'\a%}'"${PROMPT_EOL_MARK-%B%S%#%s%b}"
    typeset -g __devtrace_eol_mark="$PROMPT_EOL_MARK"
  fi
  return $__devtrace_status
}

precmd_functions=(__devtrace_precmd ${precmd_functions[@]} __devtrace_wrap_prompt)
preexec_functions=(${preexec_functions[@]} __devtrace_preexec)

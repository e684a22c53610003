# devtrace's bash hooks; sourced once by devtrace.bash after the user's startup files.
# The header of devtrace.bash explains what is emitted and when.

if [[ -n "${__devtrace_hooks_loaded-}" ]]; then
  builtin return 0
fi
__devtrace_hooks_loaded=1

# --- value escaping: \ as \\, ; and bytes below 0x20 as \xNN --------------------------------
__devtrace_ctl=()
__devtrace_ctl_escaped=()
for ((__devtrace_i = 1; __devtrace_i < 32; __devtrace_i++)); do
  builtin printf -v __devtrace_hex '%02x' "$__devtrace_i"
  builtin printf -v "__devtrace_ctl[__devtrace_i]" "\\x$__devtrace_hex"
  __devtrace_ctl_escaped[__devtrace_i]="\\x$__devtrace_hex"
done
builtin unset __devtrace_i __devtrace_hex
__devtrace_backslash='\'
__devtrace_backslash_escaped='\\'
__devtrace_semicolon=';'
__devtrace_semicolon_escaped='\x3b'

# Sets __devtrace_escaped to $1 written as an OSC 633 value.
__devtrace_escape() {
  builtin local __devtrace_s="$1" __devtrace_k
  __devtrace_s="${__devtrace_s//"$__devtrace_backslash"/"$__devtrace_backslash_escaped"}"
  __devtrace_s="${__devtrace_s//"$__devtrace_semicolon"/"$__devtrace_semicolon_escaped"}"
  for __devtrace_k in "${!__devtrace_ctl[@]}"; do
    if [[ "$__devtrace_s" == *"${__devtrace_ctl[__devtrace_k]}"* ]]; then
      __devtrace_s="${__devtrace_s//"${__devtrace_ctl[__devtrace_k]}"/"${__devtrace_ctl_escaped[__devtrace_k]}"}"
    fi
  done
  __devtrace_escaped="$__devtrace_s"
}

# Sets $? to $1 (and $_ to $2) for the user code run next.
__devtrace_set_status() {
  builtin return "${1-0}"
}

# --- the history list ------------------------------------------------------------------------
# Sets __devtrace_hist_raw to `history 1`, __devtrace_hist_num to its number and
# __devtrace_hist_line to its text.
__devtrace_read_history() {
  builtin local HISTTIMEFORMAT=
  __devtrace_hist_raw="$(builtin history 1)"
  builtin local __devtrace_h="${__devtrace_hist_raw#"${__devtrace_hist_raw%%[![:space:]]*}"}"
  __devtrace_hist_num="${__devtrace_h%%[!0-9]*}"
  __devtrace_h="${__devtrace_h#"$__devtrace_hist_num"}"
  __devtrace_hist_line="${__devtrace_h:2}"
}

# While the prompt is up, let every line into the history so that `history 1` is the line typed.
# `set -o history` cannot be forced from here (bash restores it after PROMPT_COMMAND), so with
# history off the command lines are unknown and devtrace says so once.
__devtrace_history_open() {
  if [[ ! -o history ]]; then
    if [[ -z "${__devtrace_warned_history-}" ]]; then
      __devtrace_warned_history=1
      builtin printf 'devtrace: history is off (set +o history), so commands are not recorded\n' >&2
    fi
    builtin return 0
  fi
  __devtrace_read_history
  __devtrace_hist_before="$__devtrace_hist_raw"
  __devtrace_saved_histcontrol="${HISTCONTROL-}" __devtrace_had_histcontrol="${HISTCONTROL+1}"
  __devtrace_saved_histignore="${HISTIGNORE-}" __devtrace_had_histignore="${HISTIGNORE+1}"
  __devtrace_saved_histsize="${HISTSIZE-}"
  HISTCONTROL= HISTIGNORE=
  if [[ "$__devtrace_saved_histsize" == 0 ]]; then HISTSIZE=1; fi
  __devtrace_hist_open=1
}

# Puts the user's history settings back, and applies them to the line just read.
__devtrace_history_close() {
  if [[ "${__devtrace_hist_open-}" != 1 ]]; then builtin return 0; fi
  __devtrace_hist_open=0
  __devtrace_read_history
  if [[ -n "$__devtrace_had_histcontrol" ]]; then HISTCONTROL="$__devtrace_saved_histcontrol"; else builtin unset HISTCONTROL; fi
  if [[ -n "$__devtrace_had_histignore" ]]; then HISTIGNORE="$__devtrace_saved_histignore"; else builtin unset HISTIGNORE; fi
  if [[ "$__devtrace_saved_histsize" == 0 ]]; then HISTSIZE=0; fi
  if [[ "$__devtrace_hist_raw" == "$__devtrace_hist_before" ]]; then builtin return 0; fi
  # Take the line out and offer it again: history -s obeys HISTCONTROL and HISTIGNORE.
  builtin history -d "$__devtrace_hist_num"
  builtin history -s -- "$__devtrace_hist_line"
}

# --- before the command line runs (PS0, in a subshell: it may only print) -------------------
__devtrace_report_command() {
  __devtrace_read_history
  if [[ "${__devtrace_hist_open-}" != 1 || "$__devtrace_hist_raw" == "$__devtrace_hist_before" ]]; then
    __devtrace_hist_line=
  fi
  __devtrace_escape "$__devtrace_hist_line"
  builtin printf '\e]633;E;%s;%s\a\e]633;C\a' "$__devtrace_escaped" "$__devtrace_nonce"
}
# PS2: bash's history joins a backslash-newline away (`echo a \⏎b` becomes `echo a b`), so each
# continuation prompt reports the entry so far; the devtrace process puts the breaks back.
__devtrace_report_continuation() {
  __devtrace_read_history
  if [[ "${__devtrace_hist_open-}" == 1 && "$__devtrace_hist_raw" != "$__devtrace_hist_before" ]]; then
    __devtrace_escape "$__devtrace_hist_line"
    builtin printf '\e]633;F;%s;%s\a' "$__devtrace_escaped" "$__devtrace_nonce"
  fi
}
__devtrace_ps2='\[$(__devtrace_report_continuation)\]'
# The arithmetic sets a flag in the shell itself, which a $(...) cannot; it expands to nothing.
__devtrace_nil=
__devtrace_ps0='$(__devtrace_report_command)${__devtrace_nil:$((__devtrace_executing=1,0)):0}'

# --- the DEBUG trap: ours runs once per command line, then the user's takes over ------------
# Inside a function bash hides the DEBUG trap from `trap -p` and undoes `trap - DEBUG`, so
# PROMPT_COMMAND reads the trap at top level, and the hand-over inside __devtrace_debug_trap
# sets the user's trap, or '' (ignored: costs nothing) when there is none.
__devtrace_user_trap=
__devtrace_capture_trap() {
  __devtrace_user_trap="${2-}"
}
# $1: `trap -p DEBUG` as read at top level.
__devtrace_adopt_user_trap() {
  case "$1" in
  *__devtrace_debug_trap*) ;;
  "") __devtrace_user_trap= ;;
  *) builtin eval "__devtrace_capture_trap ${1#trap }" ;;
  esac
}
__devtrace_debug_trap() {
  if [[ "${__devtrace_executing-}" == 1 && "${__devtrace_hist_open-}" == 1 ]]; then
    __devtrace_history_close
    builtin trap -- "$__devtrace_user_trap" DEBUG
  fi
  if [[ -z "$__devtrace_user_trap" ]]; then builtin return 0; fi
  __devtrace_set_status "$1" "$2"
  builtin eval -- "$__devtrace_user_trap"
}

# --- before each prompt (PROMPT_COMMAND) ------------------------------------------------------
__devtrace_user_prompt_command=(${PROMPT_COMMAND[@]+"${PROMPT_COMMAND[@]}"})
__devtrace_prompt_start='\[\e]633;A\a\]'
__devtrace_prompt_end='\[\e]633;B\a\]'

__devtrace_wrap_prompts() {
  if [[ "$PS1" != "${__devtrace_ps1-}" ]]; then
    PS1="$__devtrace_prompt_start$PS1$__devtrace_prompt_end"
    __devtrace_ps1="$PS1"
  fi
  if ! builtin shopt -q promptvars; then
    # PS0 would print its text instead of running it: no E or C, so nothing is recorded.
    if [[ -z "${__devtrace_warned_promptvars-}" ]]; then
      __devtrace_warned_promptvars=1
      builtin printf 'devtrace: promptvars is off (shopt -u promptvars), so commands are not recorded\n' >&2
    fi
    if [[ "${PS0-}" == "$__devtrace_ps0"* ]]; then PS0="${PS0#"$__devtrace_ps0"}"; fi
    if [[ "${PS2-}" == "$__devtrace_ps2"* ]]; then PS2="${PS2#"$__devtrace_ps2"}"; fi
  else
    if [[ "${PS0-}" != "$__devtrace_ps0"* ]]; then PS0="$__devtrace_ps0${PS0-}"; fi
    if [[ "${PS2-}" != "$__devtrace_ps2"* ]]; then PS2="$__devtrace_ps2${PS2-> }"; fi
  fi
}

# $1: the exit status of the command line, $2: `trap -p DEBUG`.
__devtrace_prompt_command() {
  __devtrace_status="$1"
  if [[ "${__devtrace_executing-}" == 1 ]]; then
    __devtrace_executing=0
    builtin printf '\e]633;D;%s;%s\a' "$__devtrace_status" "$__devtrace_nonce"
  fi
  __devtrace_history_close
  __devtrace_adopt_user_trap "$2"
  builtin local __devtrace_command
  for __devtrace_command in ${__devtrace_user_prompt_command[@]+"${__devtrace_user_prompt_command[@]}"}; do
    __devtrace_set_status "$__devtrace_status"
    builtin eval -- "$__devtrace_command"
  done
  __devtrace_escape "$PWD"
  builtin printf '\e]633;P;Cwd=%s\a' "$__devtrace_escaped"
  __devtrace_wrap_prompts
  __devtrace_history_open
  # Last: from here on the trap runs, and the next command to run is the user's.
  builtin trap -- '__devtrace_debug_trap "$?" "$_"' DEBUG
}

builtin unset PROMPT_COMMAND
PROMPT_COMMAND='__devtrace_prompt_command "$?" "$(builtin trap -p DEBUG)"'

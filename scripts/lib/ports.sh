# shellcheck shell=bash
# TCP ports on 127.0.0.1, for the scripts that start the stack. Source this file.

# Whether something listens on the port.
port_in_use() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port between 20000 and 39999 that nothing listens on.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_in_use "$p" || { echo "$p"; return; }
  done
}

# shellcheck shell=bash
# TCP ports on 127.0.0.1, for the scripts that start the stack. Source this file.

# Whether something listens on the port.
port_in_use() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port between 20000 and 31999 that nothing listens on: below Linux's
# ephemeral range (32768 and up by default), so no outgoing connection of the
# stack (to PostgreSQL, notify, the collector) can hold it when a server
# later binds it. When PORTS_TAKEN names a file, the ports handed out are
# kept there and never handed out again: a script that picks several ports
# before it starts their servers gets different ones.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    if [ -n "${PORTS_TAKEN:-}" ] && grep -qx "$p" "$PORTS_TAKEN" 2>/dev/null; then
      continue
    fi
    port_in_use "$p" && continue
    if [ -n "${PORTS_TAKEN:-}" ]; then echo "$p" >>"$PORTS_TAKEN"; fi
    echo "$p"
    return
  done
}

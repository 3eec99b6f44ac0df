/*
 * Web shells: server-side scripts that run what a request sends. Forms from
 * public reports (CISA/NSA "Detect and Prevent Web Shell Malware", 2020;
 * Microsoft 2021 web shell reports): PHP eval of base64 request data, PHP
 * command functions fed straight from $_GET/$_POST, JSP
 * Runtime.getRuntime().exec() on a request parameter.
 */
rule Webshell_PHP_Eval_Request
{
    meta:
        needs_strings = true
        description = "PHP web shell: eval/assert of (decoded) request data"
        source = "CISA/NSA web shell advisory (2020): eval(base64_decode($_POST[...])) and assert($_REQUEST[...]) forms"
        severity = "critical"
        kind = "malware"
        remediation = "Remove the file, review the web server's access logs for requests to it, and patch the application it was uploaded through."
        scope = "web"
        max_filesize = 2097152
    strings:
        $e1 = /(base64_decode|gzinflate|str_rot13|gzuncompress)\s*\(\s*\$_(POST|GET|REQUEST|COOKIE|SERVER)/ ascii
        $e2 = /\$_(POST|GET|REQUEST|COOKIE)\s*\[[^\]\n]{1,40}\]\s*\)/ ascii
        $f1 = "eval(" ascii
        $f2 = "assert(" ascii
        $f3 = "system(" ascii
        $f4 = "passthru(" ascii
        $f5 = "shell_exec(" ascii
        $f6 = "proc_open(" ascii
    condition:
        filesize < 2MB and ((any of ($f1, $f2) and $e1) or
            for any i in (1..#e2) : (for any of ($f*) : ($ in (@e2[i] - 48 .. @e2[i]))))
}

rule Webshell_JSP_Runtime_Exec
{
    meta:
        needs_strings = true
        description = "JSP web shell: Runtime.getRuntime().exec() of a request parameter"
        source = "CISA/NSA web shell advisory (2020) and public JSP shell analyses: request.getParameter passed to Runtime.exec"
        severity = "critical"
        kind = "malware"
        remediation = "Remove the file, review access logs, and patch the application server it was deployed through."
        scope = "web"
        max_filesize = 2097152
    strings:
        $x = "Runtime.getRuntime().exec(request.getParameter(" ascii
    condition:
        filesize < 2MB and $x
}

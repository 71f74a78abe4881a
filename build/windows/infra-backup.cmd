@echo off
rem infra-backup: the command line of the installed Infrastructure Backup Console.
rem The app is a windowed program, so Windows gives it no console of its own:
rem its output goes to files that are shown, and its exit status is returned.
rem Standard input (for --password-stdin) is passed through.
setlocal
set "IBC_OUT=%TEMP%\infra-backup-%RANDOM%%RANDOM%.out"
set "IBC_ERR=%TEMP%\infra-backup-%RANDOM%%RANDOM%.err"
"%~dp0Infrastructure Backup Console.exe" cli %* > "%IBC_OUT%" 2> "%IBC_ERR%"
set IBC_CODE=%ERRORLEVEL%
type "%IBC_OUT%"
type "%IBC_ERR%" 1>&2
del "%IBC_OUT%" "%IBC_ERR%" 2>nul
exit /b %IBC_CODE%

; Included by electron-builder's NSIS installer (build/electron-builder.yml, nsis.include).
; Registers the Windows Event Log source the console writes its alerts under
; (README: Notifications → system log), in the Application log. The message
; file is .NET's EventLogMessages.dll, present on every supported Windows,
; whose every message is "%1": Event Viewer shows the console's text as is.
!define IBC_EVENT_SOURCE_KEY "SYSTEM\CurrentControlSet\Services\EventLog\Application\Infrastructure Backup Console"

!macro customInstall
  WriteRegExpandStr HKLM "${IBC_EVENT_SOURCE_KEY}" "EventMessageFile" "%SystemRoot%\Microsoft.NET\Framework64\v4.0.30319\EventLogMessages.dll"
  WriteRegDWORD HKLM "${IBC_EVENT_SOURCE_KEY}" "TypesSupported" 7
!macroend

!macro customUnInstall
  DeleteRegKey HKLM "${IBC_EVENT_SOURCE_KEY}"
!macroend

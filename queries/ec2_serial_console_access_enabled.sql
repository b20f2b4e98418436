-- id: ec2_serial_console_access_enabled
-- title: EC2 serial console access enabled
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0008, TA0003
-- techniques: T1021.008, T1098
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Serial console access was enabled for the account in a region: with
--   ec2-instance-connect SendSerialConsoleSSHPublicKey anyone with the rights gets a root console on
--   instances, bypassing security groups. Only successful calls count. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: disabling it and reading the setting are
--   not reported; an operator debugging a broken instance is, so check the incident.
-- remediation: Disable it again (ec2 disable-serial-console-access) once no one needs it, and review
--   SendSerialConsoleSSHPublicKey calls.
-- references: https://attack.mitre.org/techniques/T1021/008/
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configure-access-to-serial-console.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(recipientaccountid, '/', awsregion) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'EnableSerialConsoleAccess'
  AND errorcode IS NULL

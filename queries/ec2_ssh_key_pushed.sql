-- id: ec2_ssh_key_pushed
-- title: SSH key pushed to an instance or its serial console
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0008
-- techniques: T1021.004
-- resource: resource
-- resource_type: AwsEc2Instance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A one-time SSH key was pushed to an instance with EC2 Instance Connect, or to its
--   serial console (which works even without network access), or serial console access was enabled
--   for the account (Stratus ec2-instance-connect, ec2-serial-console-send-ssh-public-key). Only
--   successful calls count. Benign look-alike: failed pushes are not reported; operators using
--   Instance Connect from the console are, so check the principal.
--   Dedup: one finding per account and actor per day, whatever the number of targets (one
--   detonation, one finding; the evidence lists the first targets).
-- remediation: Confirm the operator; restrict ec2-instance-connect:SendSSHPublicKey and disable
--   serial console access (disable-serial-console-access) where it is not needed.
-- references: https://attack.mitre.org/techniques/T1021/004/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.lateral-movement.ec2-instance-connect/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.instanceId'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource IN ('ec2-instance-connect.amazonaws.com', 'ec2.amazonaws.com')
  AND eventname IN ('SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'EnableSerialConsoleAccess')
  AND errorcode IS NULL

-- id: ssm_send_command
-- title: Command run on instances through SSM SendCommand
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0002
-- techniques: T1651
-- resource: resource
-- resource_type: AwsEc2Instance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A principal ran a command on instances with SSM Run Command (AWS-RunShellScript,
--   AWS-RunPowerShellScript...): code execution on the hosts without SSH (Stratus ssm-send-command,
--   ec2-steal-instance-credentials). One finding per principal and first target per day. Only
--   successful calls count. Benign look-alikes: State Manager, Maintenance Windows and Patch
--   Manager (invokedBy ssm.amazonaws.com, patch and inventory documents) are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Read the command's output (get-command-invocation with the command ID in the
--   evidence) and confirm with the principal's owner; restrict ssm:SendCommand to automation roles.
-- references: https://attack.mitre.org/techniques/T1651/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ssm-send-command/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.instanceIds[0]'), json_extract_scalar(requestparameters, '$.targets[0].values[0]'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ssm.amazonaws.com'
  AND eventname = 'SendCommand'
  AND errorcode IS NULL
  AND useridentity.invokedby IS NULL
  AND coalesce(json_extract_scalar(requestparameters, '$.documentName'), '') NOT IN ('AWS-RunPatchBaseline', 'AWS-UpdateSSMAgent', 'AWS-GatherSoftwareInventory')

-- id: ec2_user_data_modified
-- title: Instance user data changed
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0002, TA0003
-- techniques: T1059, T1037
-- resource: resource
-- resource_type: AwsEc2Instance
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An instance's user data was replaced: code that runs as root at the next boot
--   (Stratus ec2-user-data stops the instance, changes user data and starts it). Only successful
--   calls count. Benign look-alikes: user data given at launch (RunInstances) and changes of other
--   attributes (instance type, security groups) are not reported; Terraform and CloudFormation
--   updates are skipped.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Read the instance's user data (describe-instance-attribute --attribute userData),
--   restore it, and check the instance for what ran at boot.
-- references: https://attack.mitre.org/techniques/T1059/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-user-data/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.instanceId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'ModifyInstanceAttribute'
  AND errorcode IS NULL
  AND strpos(requestparameters, '"userData"') > 0
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'

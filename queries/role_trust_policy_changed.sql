-- id: role_trust_policy_changed
-- title: IAM role trust policy changed
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003, TA0004
-- techniques: T1098.003
-- resource: resource
-- resource_type: AwsIamRole
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Who may assume a role was changed (UpdateAssumeRolePolicy): adding an outside
--   account or user backdoors the role (Stratus iam-backdoor-role). Only successful calls count.
--   Benign look-alikes: service-linked roles (AWSServiceRole*), which AWS manages, and
--   Terraform/CloudFormation updates are not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Read the new trust policy in the evidence; remove principals that do not belong and
--   review AssumeRole calls into the role since the change.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-role/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':role/', coalesce(json_extract_scalar(requestparameters, '$.roleName'), 'unknown')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname = 'UpdateAssumeRolePolicy'
  AND errorcode IS NULL
  AND coalesce(json_extract_scalar(requestparameters, '$.roleName'), '') NOT LIKE 'AWSServiceRole%'
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'

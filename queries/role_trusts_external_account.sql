-- id: role_trusts_external_account
-- title: IAM role created or changed to trust another account or anyone
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1098.003, T1199
-- resource: resource
-- resource_type: AwsIamRole
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A role was created, or its trust policy changed, so that a principal of another
--   account (or "*") may assume it: a cross-account backdoor (Stratus iam-create-backdoor-role).
--   Checks the first account named in the policy. Only successful calls count. Benign look-alikes:
--   roles trusting AWS services or this account's own principals are not reported; vendor
--   integrations (a security tool's account) are, so keep a list of trusted vendor accounts.
-- remediation: Check the trusted account against your organisation and vendors; otherwise delete
--   the role or fix its trust policy and review AssumeRole calls from that account.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-create-backdoor-role/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':role/', coalesce(json_extract_scalar(requestparameters, '$.roleName'), 'unknown')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('CreateRole', 'UpdateAssumeRolePolicy')
  AND errorcode IS NULL
  AND (regexp_like(coalesce(json_extract_scalar(requestparameters, '$.assumeRolePolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument'), ''), '"AWS"\s*:\s*(\[[^\]]*)?"\*"')
       OR regexp_extract(coalesce(json_extract_scalar(requestparameters, '$.assumeRolePolicyDocument'), json_extract_scalar(requestparameters, '$.policyDocument'), ''), 'arn:aws:iam::([0-9]{12}):', 1) <> recipientaccountid)

-- id: iam_inline_admin_policy
-- title: Inline or new policy version grants full admin (*:*)
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0004, TA0003
-- techniques: T1098.003, T1484
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An inline policy of a user, role or group, or a new default version of a managed
--   policy, allows Action "*" on Resource "*": full administrator rights granted outside the managed
--   AdministratorAccess policy that admin_policy_attached watches (privilege escalation by
--   iam:PutUserPolicy or iam:CreatePolicyVersion). Only successful calls count. Dedup: one finding
--   per account, resource, actor per day. Benign look-alikes: inline policies with named actions
--   (s3:GetObject on one bucket) and versions not set as default are not reported; break-glass roles
--   defined inline are, so list them.
-- remediation: Delete the inline policy or set the previous policy version as default, and review
--   what the principal did with the rights.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://attack.mitre.org/techniques/T1484/
-- references: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(coalesce(json_extract_scalar(requestparameters, '$.userName'), json_extract_scalar(requestparameters, '$.roleName'), json_extract_scalar(requestparameters, '$.groupName'), json_extract_scalar(requestparameters, '$.policyArn'), 'unknown'), '/', coalesce(json_extract_scalar(requestparameters, '$.policyName'), 'version')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND (eventname IN ('PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy')
       OR (eventname = 'CreatePolicyVersion' AND json_extract_scalar(requestparameters, '$.setAsDefault') = 'true'))
  AND errorcode IS NULL
  AND regexp_like(json_extract_scalar(requestparameters, '$.policyDocument'), '"Effect"\s*:\s*"Allow"')
  AND regexp_like(json_extract_scalar(requestparameters, '$.policyDocument'), '"Action"\s*:\s*(\[[^\]]*)?"\*"')
  AND regexp_like(json_extract_scalar(requestparameters, '$.policyDocument'), '"Resource"\s*:\s*(\[[^\]]*)?"\*"')

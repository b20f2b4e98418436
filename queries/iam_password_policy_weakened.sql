-- id: iam_password_policy_weakened
-- title: Account password policy deleted or weakened
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005, TA0006
-- techniques: T1556
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: The account password policy was deleted or set with a minimum length under 14 (or
--   none): IAM users can choose short passwords, easing password spraying and persistence with weak
--   console passwords. Only successful calls count. Dedup: one finding per account, resource, actor
--   per day. Benign look-alikes: policies with a minimum length of 14 or more are not reported.
-- remediation: Put back a policy with a minimum length of 14 or more, and require password resets
--   for users who changed their password since.
-- references: https://attack.mitre.org/techniques/T1556/
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND errorcode IS NULL
  AND (eventname = 'DeleteAccountPasswordPolicy'
       OR (eventname = 'UpdateAccountPasswordPolicy' AND coalesce(try(CAST(json_extract_scalar(requestparameters, '$.minimumPasswordLength') AS bigint)), 0) < 14))

-- id: compromised_key_quarantine_policy
-- title: AWS compromised-key quarantine policy attached or removed
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0006, TA0001
-- techniques: T1552.001, T1078.004
-- resource: resource
-- resource_type: AwsIamUser
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: AWS attached its AWSCompromisedKeyQuarantine policy (V1, V2 or V3) to a user: AWS
--   found the user's access key exposed in public (a code repository, a paste) and has limited it.
--   The key is compromised whatever else this library sees. Detaching the policy is reported too: an
--   attacker with IAM rights lifts the quarantine to use the key again. Dedup: one finding per
--   account, resource, actor per day. Benign look-alikes: other AWS managed policies attached or
--   detached are not reported; detaching by the owner after rotating the key is, so confirm the key
--   was deleted first.
-- remediation: Delete the exposed access key (iam delete-access-key), review everything it did since
--   it leaked, and follow the AWS support case; detach the policy only after that.
-- references: https://attack.mitre.org/techniques/T1552/001/
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCompromisedKeyQuarantineV3.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat('arn:aws:iam::', recipientaccountid, ':user/', coalesce(json_extract_scalar(requestparameters, '$.userName'), 'unknown')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname IN ('AttachUserPolicy', 'DetachUserPolicy')
  AND json_extract_scalar(requestparameters, '$.policyArn') LIKE 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine%'
  AND errorcode IS NULL

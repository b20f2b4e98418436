-- id: eks_access_granted_external_or_admin
-- title: EKS cluster access granted to another account or as cluster admin
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0003, TA0004
-- techniques: T1098, T1078.004
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An EKS access entry was created for a principal of another account, or the
--   cluster-admin access policy was associated with a principal: Kubernetes admin rights granted
--   through the EKS API (the access-entry backdoor). Only successful calls count. Dedup: one finding
--   per account, resource, actor per day. Benign look-alikes: access entries for this account's
--   roles with view or edit policies are not reported; onboarding a new platform administrator is,
--   so check the access request.
-- remediation: Delete the access entry (eks delete-access-entry) or disassociate the policy, and
--   review the Kubernetes audit log for that principal.
-- references: https://attack.mitre.org/techniques/T1098/
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       concat(coalesce(json_extract_scalar(requestparameters, '$.clusterName'), 'unknown'), ' ', coalesce(json_extract_scalar(requestparameters, '$.principalArn'), '')) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'eks.amazonaws.com'
  AND errorcode IS NULL
  AND ((eventname IN ('CreateAccessEntry', 'AssociateAccessPolicy')
        AND regexp_extract(coalesce(json_extract_scalar(requestparameters, '$.principalArn'), ''), '^arn:aws[a-z-]*:(iam|sts)::([0-9]{12}):', 2) <> recipientaccountid)
       OR (eventname = 'AssociateAccessPolicy'
           AND json_extract_scalar(requestparameters, '$.policyArn') LIKE '%/AmazonEKSClusterAdminPolicy'))
